/**
 * The fleet on a real PostgreSQL (a throwaway cluster): two instances in one process, each with its own
 * connections, coordinating through advisory locks and LISTEN/NOTIFY.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { createLocalFleet, createPostgresFleet, type Fleet } from '../../src/server/fleet';
import { startPostgres, type PostgresCluster } from '../support/postgres';

jest.setTimeout(60_000);

let cluster: PostgresCluster;
let url: string;
let admin: pg.Client;
const fleets: Fleet[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  url = await cluster.createDatabase('fleet');
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await cluster.stop();
});
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((fleet) => fleet.close()));
});

async function fleet(name: string, pollMs = 100): Promise<Fleet> {
  const created = await createPostgresFleet(url, { name, pollMs });
  fleets.push(created);
  return created;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the value once `read` returns one, checking every 20 ms; rejects after `ms`. */
async function until<T>(
  read: () => T | null | undefined | Promise<T | null | undefined>,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

/** The backend pids of a fleet's sessions of one kind (`lease`, `listen`). */
async function backends(name: string, kind: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [`${name} fleet ${kind}`],
  );
  return rows.map((row) => row.pid);
}

/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('single flight across instances', () => {
  it('runs once: the other instance waits for the notice and reads the result', async () => {
    // Polling every 10 s: only the notice can wake B in time.
    const [a, b] = [await fleet('sf-a', 10_000), await fleet('sf-b', 10_000)];
    let shared: string | null = null;
    let runs = 0;
    const hold = gate();
    const first = a.singleFlight(
      'one.example',
      async () => {
        runs++;
        await hold.promise;
        shared = 'probed by A';
        return shared;
      },
      { ready: () => Promise.resolve(shared) },
    );
    await until(async () => ((await backends('sf-a', 'lease')).length > 0 ? true : null));
    await sleep(100);
    const second = b.singleFlight(
      'one.example',
      () => {
        runs++;
        return Promise.resolve('probed by B');
      },
      { ready: () => Promise.resolve(shared) },
    );
    await sleep(300);
    expect(runs).toBe(1);
    const openedAt = Date.now();
    hold.open();
    expect(await first).toBe('probed by A');
    expect(await second).toBe('probed by A');
    expect(Date.now() - openedAt).toBeLessThan(1000);
    expect(runs).toBe(1);
  });

  it('runs on the other instance once the holder’s connection is gone (the lease expires)', async () => {
    const [a, b] = [await fleet('lease-a'), await fleet('lease-b')];
    const hold = gate();
    const first = a.singleFlight(
      'crash.example',
      async () => {
        await hold.promise;
        return 'A';
      },
      { ready: () => Promise.resolve(null) },
    );
    const [holder] = await until(async () => {
      const pids = await backends('lease-a', 'lease');
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ANY($1)",
        [pids],
      );
      return rows[0]?.n === 1 ? pids : null;
    });
    let ranOnB = 0;
    const second = b.singleFlight(
      'crash.example',
      () => {
        ranOnB++;
        return Promise.resolve('B');
      },
      { ready: () => Promise.resolve(null) },
    );
    await sleep(400);
    expect(ranOnB).toBe(0);
    await admin.query('SELECT pg_terminate_backend($1)', [holder]);
    expect(await second).toBe('B');
    expect(ranOnB).toBe(1);
    hold.open();
    expect(await first).toBe('A');
  });

  it('reads the result when the holder finished just before (no second run)', async () => {
    const [a, b] = [await fleet('late-a'), await fleet('late-b')];
    let shared: string | null = null;
    await a.singleFlight(
      'late.example',
      () => {
        shared = 'A';
        return Promise.resolve(shared);
      },
      { ready: () => Promise.resolve(shared) },
    );
    const run = jest.fn(() => Promise.resolve('B'));
    expect(await b.singleFlight('late.example', run, { ready: () => Promise.resolve(shared) })).toBe('A');
    expect(run).not.toHaveBeenCalled();
  });
});

describe('periodic jobs', () => {
  it('run on one instance at a time and are skipped by the others meanwhile', async () => {
    const [a, b] = [await fleet('job-a'), await fleet('job-b')];
    const hold = gate();
    let runs = 0;
    const job = async () => {
      runs++;
      await hold.promise;
    };
    const onA = a.exclusive('sweep', job);
    await until(async () => ((await backends('job-a', 'lease')).length > 0 && runs === 1 ? true : null));
    expect(await b.exclusive('sweep', job)).toBe(false);
    expect(await a.exclusive('sweep', job)).toBe(false);
    // Another job is not held up by this one.
    expect(await b.exclusive('other', () => Promise.resolve())).toBe(true);
    hold.open();
    expect(await onA).toBe(true);
    expect(runs).toBe(1);
    expect(await b.exclusive('sweep', () => Promise.resolve())).toBe(true);
  });
});

describe('policy notices', () => {
  it('reach the other instance within a second, and syncedAt stays recent', async () => {
    const [a, b] = [await fleet('pol-a'), await fleet('pol-b')];
    const heard: Array<{ version: number | null; at: number }> = [];
    b.onPolicyChange((version) => heard.push({ version, at: Date.now() }));
    const sentAt = Date.now();
    await a.policyChanged(7);
    const notice = await until(() => heard.find((entry) => entry.version === 7));
    expect(notice.at - sentAt).toBeLessThan(1000);
    await sleep(500);
    expect(Date.now() - b.syncedAt()).toBeLessThan(1000);
  });

  it('reconnects a lost notice session, telling listeners to drop what they cached', async () => {
    const [a, b] = [await fleet('re-a'), await fleet('re-b')];
    const heard: Array<number | null> = [];
    b.onPolicyChange((version) => heard.push(version));
    const [listener] = await backends('re-b', 'listen');
    await admin.query('SELECT pg_terminate_backend($1)', [listener]);
    await until(() => (heard.includes(null) ? true : null));
    const [replacement] = await until(async () => {
      const pids = await backends('re-b', 'listen');
      return pids.length === 1 && pids[0] !== listener ? pids : null;
    });
    expect(replacement).not.toBe(listener);
    await a.policyChanged(8);
    await until(() => (heard.includes(8) ? true : null), 1000);
  });

  it('replaces a session that stopped answering, and syncedAt stops meanwhile', async () => {
    const b = await fleet('stuck-b');
    const [listener] = await backends('stuck-b', 'listen');
    if (listener === undefined) throw new Error('no listen session');
    // The backend process frozen: the TCP connection stays up, nothing answers (a silent network fault).
    execFileSync('kill', ['-STOP', String(listener)]);
    try {
      await sleep(1500);
      expect(Date.now() - b.syncedAt()).toBeGreaterThan(1000);
      await until(async () => {
        const pids = await backends('stuck-b', 'listen');
        return pids.some((pid) => pid !== listener) ? true : null;
      }, 5000);
    } finally {
      execFileSync('kill', ['-CONT', String(listener)]);
    }
    await until(() => (Date.now() - b.syncedAt() < 1000 ? true : null), 3000);
  });
});

describe('one instance (SQLite)', () => {
  it('joins calls for one key, runs jobs once at a time, and is always in sync', async () => {
    const local = createLocalFleet();
    const hold = gate();
    const run = jest.fn(async () => {
      await hold.promise;
      return 1;
    });
    const ready = { ready: () => Promise.resolve(null) };
    const calls = [local.singleFlight('k', run, ready), local.singleFlight('k', run, ready)];
    hold.open();
    expect(await Promise.all(calls)).toEqual([1, 1]);
    expect(run).toHaveBeenCalledTimes(1);
    const job = gate();
    const running = local.exclusive('j', () => job.promise);
    expect(await local.exclusive('j', () => Promise.resolve())).toBe(false);
    job.open();
    expect(await running).toBe(true);
    expect(local.syncedAt()).toBe(Number.POSITIVE_INFINITY);
  });
});
