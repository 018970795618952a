/**
 * Schema migrations on both databases. SQLite: files written by the store before it moved to Kysely
 * (test/fixtures/store, at schema versions 3 and 8) open with today's store, migrate forward and read back
 * through the interfaces. PostgreSQL: instances starting together on an empty database migrate it once.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, StoreOpenError } from '../../src/server/store/open';
import { POSTGRES_SCHEMA_VERSION } from '../../src/server/store/postgres-migrations';
import { SCHEMA_VERSION } from '../../src/server/store/sqlite';
import type { Store } from '../../src/server/store/store';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { bytes, DAY, freshDatabase, T } from '../support/stores';

const FIXTURES = join(__dirname, '..', 'fixtures', 'store');

/** A SQLite file as the fixture's TLS Gate left it. */
function fixtureFile(name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tlsgate-fixture-')), 'tlsgate.db');
  const db = new Database(path);
  db.exec(readFileSync(join(FIXTURES, name), 'utf8'));
  db.close();
  return path;
}

const userVersion = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('a SQLite file from before Kysely', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('at version 8 opens unchanged and reads back through every interface', async () => {
    const path = fixtureFile('sqlite-v8.sql');
    expect(userVersion(path)).toBe(8);
    const applied: number[] = [];
    store = await openStore(path, { onMigrated: (versions) => applied.push(...versions) });
    expect(applied).toEqual([]);
    expect(await store.getReport('example.org')).toEqual({
      domain: 'example.org',
      json: '{"domain":"example.org","status":"enforced"}',
      checkedAt: T,
      expiresAt: T + DAY,
      staleUntil: T + 7 * DAY,
    });
    expect(await store.getPolicy()).toMatchObject({ version: 2, updatedBy: 'bob', policy: { portal: true } });
    expect((await store.policyAudit(5)).map((e) => [e.version, e.note])).toEqual([
      [2, 'Rolled back to version 1'],
      [1, null],
    ]);
    expect(await store.policyVersion(1)).toMatchObject({ policy: { forcedTlsDomains: ['bank.example'] } });

    const portal = store.portal!;
    expect(await portal.getMessage('msg-v8')).toMatchObject({
      state: 'active',
      wrappedKey: bytes('wrapped-key-bytes'),
      maxExpiresAt: T + 30 * DAY,
      replies: 1,
    });
    expect(await portal.findLink(bytes('token-hash-sender'))).toEqual({
      messageId: 'msg-v8',
      role: 'sender',
    });
    expect((await portal.participants('msg-v8')).map((p) => p.addressHash)).toEqual([
      bytes('hash-sender'),
      bytes('hash-bob'),
    ]);
    expect(await portal.readPart('msg-v8', 'att:0')).toEqual([bytes('sealed-att-0'), bytes('sealed-att-1')]);
    expect(await portal.replies('msg-v8')).toEqual([{ id: 1, part: 'reply:r1' }]);
    expect(await portal.getChallenge(bytes('challenge-1'))).toMatchObject({ attempts: 1, spent: false });
    expect(await portal.getSession(bytes('session-1'))).toMatchObject({ openedAt: T + 6 });
    expect(await portal.opens('msg-v8')).toEqual([{ participant: 1, first: T + 6, last: T + 6 }]);
    // New rows continue after the old ones: the next reply is 2, the next event newest.
    expect(await portal.addReply('msg-v8', { part: 'reply:r2', chunks: [], files: 0 }, 1, T + 7)).toBe(2);
    expect((await portal.events('msg-v8', 1))[0]).toMatchObject({ kind: 'replied', detail: { reply: 2 } });

    const activity = store.activity!;
    await activity.promotePending(T + 1000);
    const summary = await activity.summary('2025-06-15', '2025-06-15', 5);
    expect(summary.days[0]?.counts).toMatchObject({ warned: 1, blocked: 1, 'sent-anyway': 1 });
    expect(summary.topDomains).toEqual([{ domain: 'plain.example', count: 2 }]);
    expect(summary.topAddresses).toEqual([{ address: 'bob@plain.example', count: 1 }]);
  });

  it('at version 3 migrates forward (4 to 8) and reads back with what those added', async () => {
    const path = fixtureFile('sqlite-v3.sql');
    expect(userVersion(path)).toBe(3);
    const applied: number[] = [];
    store = await openStore(path, { onMigrated: (versions) => applied.push(...versions) });
    expect(applied).toEqual([4, 5, 6, 7, 8]);
    expect(userVersion(path)).toBe(SCHEMA_VERSION);
    const expected = {
      portal: true,
      activityAddresses: false,
      portalDefaultExpiryDays: 14,
      portalMaxExpiryDays: 90,
    };
    expect(await store.getPolicy()).toMatchObject({ version: 1, policy: expected });
    expect(await store.policyVersion(1)).toMatchObject({ policy: expected });
    expect(await store.policyAudit(1)).toEqual([
      { version: 1, at: T, actor: 'alice', changes: [], note: null },
    ]);
    const portal = store.portal!;
    expect(await portal.getMessage('msg-v3')).toMatchObject({ maxExpiresAt: T + 90 * DAY, replies: 2 });
    expect(await portal.replies('msg-v3')).toEqual([
      { id: 1, part: 'reply:first' },
      { id: 2, part: 'reply:second' },
    ]);
    expect(await portal.readPart('msg-v3', 'reply:second')).toEqual([
      bytes('sealed-second-reply-0'),
      bytes('sealed-second-reply-1'),
    ]);
    expect((await store.activity!.summary('2025-06-15', '2025-06-15', 5)).days[0]?.counts.warned).toBe(3);
  });

  it('from a newer TLS Gate is refused with one line', async () => {
    const path = fixtureFile('sqlite-v8.sql');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const refused = openStore(path);
    await expect(refused).rejects.toBeInstanceOf(StoreOpenError);
    await expect(refused).rejects.toThrow(/newer than this TLS Gate/);
  });
});

describe('PostgreSQL migrations', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster.stop();
  });

  const psql = (url: string, query: string): string => cluster.run('psql', [url, '-tAc', query]).trim();

  it('run exactly once when four instances start at once on an empty database', async () => {
    const url = await freshDatabase(cluster, 'migrate');
    const runs: Array<readonly number[]> = [];
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openStore(url, { onMigrated: (applied) => runs.push(applied) })),
    );
    try {
      expect(runs).toHaveLength(4);
      expect(runs.filter((applied) => applied.length > 0)).toEqual([[1]]);
      expect(psql(url, 'SELECT version FROM tlsgate_schema')).toBe(String(POSTGRES_SCHEMA_VERSION));
      // Every store works on the one schema.
      await Promise.all(
        stores.map((store, i) =>
          store.putReport({ domain: `d${i}.example`, json: '{}', checkedAt: T, expiresAt: T, staleUntil: T }),
        ),
      );
      expect(psql(url, 'SELECT COUNT(*) FROM domain_reports')).toBe('4');
      expect(psql(url, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")).toBe(
        '19',
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const again: Array<readonly number[]> = [];
    const reopened = await openStore(url, { onMigrated: (applied) => again.push(applied) });
    await reopened.close();
    expect(again).toEqual([[]]);
  });

  it('refuse a database a newer TLS Gate migrated', async () => {
    const url = await freshDatabase(cluster, 'newer');
    await (await openStore(url)).close();
    psql(url, `INSERT INTO tlsgate_schema VALUES (${POSTGRES_SCHEMA_VERSION + 1}, 0)`);
    const refused = openStore(url);
    await expect(refused).rejects.toBeInstanceOf(StoreOpenError);
    await expect(refused).rejects.toThrow(/newer than this TLS Gate/);
  });
});
