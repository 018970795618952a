/**
 * Schema migrations on both databases. SQLite: files written by the store before it moved to Kysely
 * (test/fixtures/store, at schema versions 3 and 8) open with today's store, migrate forward and read back
 * through the interfaces; a file at any earlier version ends with the schema a new file gets, which is the
 * frozen version 8's plus the tables added since. PostgreSQL: instances starting together on an empty
 * database migrate it once, to the same tables and columns; a database from an earlier version is brought
 * to them too.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, StoreOpenError } from '../../src/server/store/open';
import { POSTGRES_SCHEMA_VERSION } from '../../src/server/store/postgres-migrations';
import { TABLES } from '../../src/server/store/schema';
import { SCHEMA_VERSION } from '../../src/server/store/sqlite';
import type { Store } from '../../src/server/store/store';
import { usePostgres } from '../support/postgres';
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

/** Every table and index as SQLite keeps it, its SQL with the white space that does not matter taken out. */
function sqliteSchema(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all() as Array<{
      type: string;
      name: string;
      sql: string | null;
    }>;
    return rows.map(
      (row) =>
        `${row.type} ${row.name}: ${(row.sql ?? '').replace(/\s+/g, ' ').replace(/ ?([(),]) ?/g, '$1')}`,
    );
  } finally {
    db.close();
  }
}

/** Each table's columns in order, as `name TYPE [NOT NULL] [DEFAULT x]`. */
function sqliteColumns(path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    return Object.fromEntries(
      (tables as string[]).map((table) => [
        table,
        (db.pragma(`table_info(${table})`) as SqliteColumn[]).map((c) =>
          [c.name, c.type, c.notnull || c.pk ? 'NOT NULL' : '', c.dflt_value ? `DEFAULT ${c.dflt_value}` : '']
            .filter(Boolean)
            .join(' '),
        ),
      ]),
    );
  } finally {
    db.close();
  }
}

interface SqliteColumn {
  name: string;
  type: string;
  notnull: number;
  pk: number;
  dflt_value: string | null;
}

/** The versions from `first` to today's, as a migration applies them. */
const versionsFrom = (first: number): number[] =>
  Array.from({ length: SCHEMA_VERSION - first + 1 }, (_, i) => first + i);

/** The version 8 fixture brought to today's schema: its tables as written, and those added since. */
async function migratedV8(): Promise<string> {
  const path = fixtureFile('sqlite-v8.sql');
  await (await openStore(path)).close();
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

  it('at version 8 migrates forward (9 on) and reads back through every interface', async () => {
    const path = fixtureFile('sqlite-v8.sql');
    expect(userVersion(path)).toBe(8);
    const applied: number[] = [];
    store = await openStore(path, { onMigrated: (versions) => applied.push(...versions) });
    expect(applied).toEqual(versionsFrom(9));
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
    expect(await store.policyVersion(1)).toMatchObject({
      // Kept before levels existed: read as an encryption-only entry, nothing lost.
      policy: { forcedTlsDomains: [{ domain: 'bank.example', level: 'encryption-only' }] },
    });

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
    // Version 8 kept no decision per domain: proposals count from version 9 on.
    expect(await activity.warnedDomains('2025-06-15', '2025-06-15', 5)).toEqual([]);
  });

  it('at version 3 migrates forward (4 on) and reads back with what those added', async () => {
    const path = fixtureFile('sqlite-v3.sql');
    expect(userVersion(path)).toBe(3);
    const applied: number[] = [];
    store = await openStore(path, { onMigrated: (versions) => applied.push(...versions) });
    expect(applied).toEqual(versionsFrom(4));
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

  it('new gets the schema version 8 was written with (the fixture), and what came since', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tlsgate-new-')), 'tlsgate.db');
    await (await openStore(path)).close();
    expect(userVersion(path)).toBe(SCHEMA_VERSION);
    expect(sqliteSchema(path)).toEqual(sqliteSchema(await migratedV8()));
  });

  // A file at a version between the fixtures' is the later fixture without the tables added since.
  it.each([
    [1, 'sqlite-v3.sql', ['portal_%', 'activity_%']],
    [2, 'sqlite-v3.sql', ['activity_%']],
    [3, 'sqlite-v3.sql', []],
    [
      4,
      'sqlite-v8.sql',
      ['portal_replies', 'portal_expiry_caps', 'portal_throttle', 'activity_addresses', 'activity_pending'],
    ],
    [5, 'sqlite-v8.sql', ['portal_replies', 'portal_expiry_caps', 'portal_throttle']],
    [6, 'sqlite-v8.sql', ['portal_replies', 'portal_expiry_caps']],
    [7, 'sqlite-v8.sql', ['portal_replies']],
  ])('at version %i migrates to the schema a new file gets', async (version, fixture, since) => {
    const path = fixtureFile(fixture);
    const db = new Database(path);
    db.pragma('foreign_keys = OFF');
    const named = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?").pluck();
    for (const table of since.flatMap((pattern) => named.all(pattern) as string[]))
      db.exec(`DROP TABLE ${table}`);
    db.pragma(`user_version = ${version}`);
    db.close();
    const applied: number[] = [];
    await (await openStore(path, { onMigrated: (versions) => applied.push(...versions) })).close();
    expect(applied).toEqual(versionsFrom(version + 1));
    expect(userVersion(path)).toBe(SCHEMA_VERSION);
    expect(sqliteSchema(path)).toEqual(sqliteSchema(await migratedV8()));
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
  const cluster = usePostgres();
  const psql = (url: string, query: string): string => cluster().run('psql', [url, '-tAc', query]).trim();

  it('run exactly once when four instances start at once on an empty database', async () => {
    const url = await freshDatabase(cluster(), 'migrate');
    const runs: Array<readonly number[]> = [];
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openStore(url, { onMigrated: (applied) => runs.push(applied) })),
    );
    try {
      expect(runs).toHaveLength(4);
      // A new database is created at the latest version, which counts as every version applied.
      const all = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1);
      expect(runs.filter((applied) => applied.length > 0)).toEqual([all]);
      expect(psql(url, 'SELECT MAX(version) FROM tlsgate_schema')).toBe(String(POSTGRES_SCHEMA_VERSION));
      // Every store works on the one schema.
      await Promise.all(
        stores.map((store, i) =>
          store.putReport({ domain: `d${i}.example`, json: '{}', checkedAt: T, expiresAt: T, staleUntil: T }),
        ),
      );
      expect(psql(url, 'SELECT COUNT(*) FROM domain_reports')).toBe('4');
      // Every table, and tlsgate_schema.
      expect(psql(url, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")).toBe(
        String(TABLES.length + 1),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const again: Array<readonly number[]> = [];
    const reopened = await openStore(url, { onMigrated: (applied) => again.push(applied) });
    await reopened.close();
    expect(again).toEqual([[]]);
  });

  /** Each table's columns as sqliteColumns gives them. */
  const postgresColumns = (url: string): Record<string, string[]> => {
    const columns: Record<string, string[]> = {};
    const rows = psql(
      url,
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'tlsgate_schema' ORDER BY table_name, ordinal_position`,
    );
    const TYPES: Record<string, string> = {
      text: 'TEXT',
      integer: 'INTEGER',
      bigint: 'INTEGER',
      bytea: 'BLOB',
    };
    for (const line of rows.split('\n')) {
      const [table = '', column, type = '', nullable, fallback] = line.split('|');
      (columns[table] ??= []).push(
        [
          column,
          TYPES[type] ?? type,
          nullable === 'NO' ? 'NOT NULL' : '',
          fallback ? `DEFAULT ${fallback}` : '',
        ]
          .filter(Boolean)
          .join(' '),
      );
    }
    return columns;
  };

  it('create the tables and columns a SQLite file has', async () => {
    const url = await freshDatabase(cluster(), 'columns');
    await (await openStore(url)).close();
    expect(postgresColumns(url)).toEqual(sqliteColumns(await migratedV8()));
  });

  it('bring a database at version 1 (SQLite 8) to the same tables and columns', async () => {
    const url = await freshDatabase(cluster(), 'upgrade');
    await (await openStore(url)).close();
    const atVersion1 = Object.keys(sqliteColumns(fixtureFile('sqlite-v8.sql')));
    for (const table of TABLES.filter((name) => !atVersion1.includes(name)))
      psql(url, `DROP TABLE ${table} CASCADE`);
    psql(url, 'DELETE FROM tlsgate_schema WHERE version > 1');
    const applied: number[] = [];
    await (await openStore(url, { onMigrated: (versions) => applied.push(...versions) })).close();
    expect(applied).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION - 1 }, (_, i) => i + 2));
    expect(postgresColumns(url)).toEqual(sqliteColumns(await migratedV8()));
  });

  it('refuse a database a newer TLS Gate migrated', async () => {
    const url = await freshDatabase(cluster(), 'newer');
    await (await openStore(url)).close();
    psql(url, `INSERT INTO tlsgate_schema VALUES (${POSTGRES_SCHEMA_VERSION + 1}, 0)`);
    const refused = openStore(url);
    await expect(refused).rejects.toBeInstanceOf(StoreOpenError);
    await expect(refused).rejects.toThrow(/newer than this TLS Gate/);
  });
});
