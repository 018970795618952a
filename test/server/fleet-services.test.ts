/**
 * The services that use the fleet, two instances in one process on a real PostgreSQL store: the policy
 * cache's 1 s promise with and without change notices, and a stale report refreshed by one instance only.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { createPostgresFleet, type Fleet } from '../../src/server/fleet';
import { createLookupService, type LookupService } from '../../src/server/lookup';
import { createPolicyService, type PolicyService } from '../../src/server/policy-service';
import { openStore } from '../../src/server/store/open';
import { withReportCache, type CachedStore } from '../../src/server/store/report-cache';
import type { Store } from '../../src/server/store/store';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { reportFor } from '../support/reports';

jest.setTimeout(60_000);

let cluster: PostgresCluster;
let databases = 0;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster.stop();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Instance {
  name: string;
  store: Store;
  fleet: Fleet;
  policy: PolicyService;
}

/** Two instances (a store and a fleet each) on a new database; `bClock` is B's policy cache's clock. */
async function twoInstances(bClock: () => number = Date.now): Promise<[Instance, Instance]> {
  const url = await cluster.createDatabase(`services_${++databases}`);
  const make = async (name: string, now: () => number): Promise<Instance> => {
    const store = await openStore(url);
    const fleet = await createPostgresFleet(url, { name, pollMs: 100 });
    closers.push(
      () => store.close(),
      () => fleet.close(),
    );
    return { name, store, fleet, policy: createPolicyService(store, now, fleet) };
  };
  return [await make(`${databases}-a`, Date.now), await make(`${databases}-b`, bClock)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long until `policy` serves `version`, polling every 5 ms (at most 5 s). */
async function msUntilVersion(policy: PolicyService, version: number, since: number): Promise<number> {
  while ((await policy.current()).version !== version && Date.now() - since < 5000) await sleep(5);
  return Date.now() - since;
}

describe('the policy cache', () => {
  it('drops a cached policy when another instance saves, within a second', async () => {
    // B's clock stands still, so its cached policy never ages: only the fleet's notice can drop it. (A
    // wall-clock bound tight enough to tell the two apart failed on a loaded CI machine.)
    const frozen = Date.now();
    const [a, b] = await twoInstances(() => frozen);
    expect((await b.policy.current()).version).toBe(0);
    const saved = await a.policy.replace({ ...DEFAULT_POLICY, portal: true }, 0, 'admin');
    expect(saved.ok).toBe(true);
    expect(await msUntilVersion(b.policy, 1, Date.now())).toBeLessThan(1000);
  });

  it('keeps the promise without notices: a read is trusted 1 s at most while the notice session is stuck', async () => {
    const [a, b] = await twoInstances();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [`${b.name} fleet listen`],
    );
    await admin.end();
    const listener = rows[0]?.pid;
    if (listener === undefined) throw new Error('no listen session');
    execFileSync('kill', ['-STOP', String(listener)]);
    try {
      expect((await b.policy.current()).version).toBe(0);
      await sleep(200);
      const savedAt = Date.now();
      expect((await a.policy.replace({ ...DEFAULT_POLICY, portal: true }, 0, 'admin')).ok).toBe(true);
      expect(await msUntilVersion(b.policy, 1, savedAt)).toBeLessThan(1000);
    } finally {
      execFileSync('kill', ['-CONT', String(listener)]);
    }
  });
});

describe('a stale report', () => {
  const DAY = 86_400_000;
  let probes = 0;

  /** Puts a report checked two days ago (expired, still servable stale) in the database. */
  async function staleReport(store: Store, domain: string): Promise<void> {
    const checkedAt = Date.now() - 2 * DAY;
    await store.putReport({
      domain,
      json: JSON.stringify({ ...reportFor(domain, 'none'), checkedAt: new Date(checkedAt).toISOString() }),
      checkedAt,
      expiresAt: checkedAt + DAY,
      staleUntil: checkedAt + 7 * DAY,
    });
  }

  /** The lookup service as buildApp makes it, with its memory cache (returned too). */
  function service(instance: Instance): { lookup: LookupService; memory: CachedStore } {
    const memory = withReportCache(instance.store);
    const lookup = createLookupService({
      store: memory,
      fleet: { flights: instance.fleet, read: (domain) => memory.reloadReport(domain) },
      peek: { report: (domain) => memory.peekReport(domain), forcedTlsDomains: () => [] },
      forcedTlsDomains: () => Promise.resolve([]),
      probe: async (domain) => {
        probes++;
        await sleep(200);
        return { ...reportFor(domain, 'enforced'), checkedAt: new Date().toISOString() };
      },
    });
    return { lookup, memory };
  }

  const parse = (json: string) => JSON.parse(json) as { status: string; stale: boolean };

  beforeEach(() => {
    probes = 0;
  });

  it('is refreshed by one instance; the other adopts the result instead of probing', async () => {
    const [a, b] = await twoInstances();
    await staleReport(a.store, 'stale.example');
    const [onA, onB] = [service(a).lookup, service(b).lookup];
    // Both serve the stale answer at once and start a refresh; one probe happens.
    const answers = await Promise.all([
      onA.lookupDomain('stale.example', false),
      onB.lookupDomain('stale.example', false),
    ]);
    expect(answers.map((answer) => parse(answer.json).stale)).toEqual([true, true]);
    await Promise.all([onA.idle(), onB.idle()]);
    expect(probes).toBe(1);
    // Each now answers fresh from memory: one wrote the result, the other adopted it.
    for (const lookup of [onA, onB]) {
      const hit = lookup.cachedDomain('stale.example');
      expect(hit && parse(hit.json)).toMatchObject({ status: 'enforced', stale: false });
    }
  });

  it('is answered from another instance’s refresh when this one’s memory holds the expired copy', async () => {
    const [a, b] = await twoInstances();
    await staleReport(a.store, 'late.example');
    const [onA, onB] = [service(a), service(b)];
    // B read the report before A refreshed it: its memory holds the expired copy.
    expect(await onB.memory.getReport('late.example')).not.toBeNull();
    await onA.lookup.lookupDomain('late.example', false);
    await onA.lookup.idle();
    expect(probes).toBe(1);
    expect(parse((await onB.lookup.lookupDomain('late.example', false)).json)).toMatchObject({
      status: 'enforced',
      stale: false,
    });
    await onB.lookup.idle();
    expect(probes).toBe(1);
  });
});
