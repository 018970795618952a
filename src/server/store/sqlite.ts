import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { OrgPolicy } from '../../core/policy';
import { ACTIVITY_ADDRESSES_SCHEMA, ACTIVITY_SCHEMA, createSqliteActivityStore } from './activity-sqlite';
import {
  createSqlitePortalStore,
  PORTAL_MAX_EXPIRY_SCHEMA,
  PORTAL_REPLIES_SCHEMA,
  PORTAL_SCHEMA,
  PORTAL_THROTTLE_SCHEMA,
} from './portal-sqlite';
import { resolveRow } from './rows';
import type {
  PolicyAuditEntry,
  PolicyChange,
  PolicyWriteResult,
  Store,
  StoredPolicy,
  StoredReport,
} from './store';

/** Versioned migrations: each runs once, in order, inside a transaction; PRAGMA user_version records progress. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE domain_reports (
     domain      TEXT PRIMARY KEY,
     report      TEXT NOT NULL,
     checked_at  INTEGER NOT NULL,
     expires_at  INTEGER NOT NULL,
     stale_until INTEGER NOT NULL
   );
   CREATE INDEX domain_reports_stale_until ON domain_reports (stale_until);
   CREATE TABLE policy (
     id         INTEGER PRIMARY KEY CHECK (id = 1),
     version    INTEGER NOT NULL,
     body       TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );
   CREATE TABLE policy_audit (
     version INTEGER PRIMARY KEY,
     at      INTEGER NOT NULL,
     actor   TEXT NOT NULL,
     changes TEXT NOT NULL,
     body    TEXT NOT NULL
   );`,
  // 2: the secure portal (portal-sqlite.ts).
  PORTAL_SCHEMA,
  // 3: on-send activity counts (activity-sqlite.ts).
  ACTIVITY_SCHEMA,
  // 4: why a policy change was made, when it was not a plain edit (a rollback).
  'ALTER TABLE policy_audit ADD COLUMN note TEXT;',
  // 5: activity addresses and pending Send Anyway warnings (activity-sqlite.ts).
  ACTIVITY_ADDRESSES_SCHEMA,
  // 6: portal wrong-code counters per IP and per link (portal-sqlite.ts).
  PORTAL_THROTTLE_SCHEMA,
  // 7: portal expiry from the policy (portal-sqlite.ts).
  PORTAL_MAX_EXPIRY_SCHEMA,
  // 8: portal replies by number (portal-sqlite.ts).
  PORTAL_REPLIES_SCHEMA,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

interface ReportRow {
  domain: string;
  report: string;
  checked_at: number;
  expires_at: number;
  stale_until: number;
}

const toStoredReport = (row: ReportRow): StoredReport => ({
  domain: row.domain,
  json: row.report,
  checkedAt: row.checked_at,
  expiresAt: row.expires_at,
  staleUntil: row.stale_until,
});

interface PolicyRow {
  version: number;
  body: string;
  updated_at: number;
  updated_by: string;
}

interface AuditRow {
  version: number;
  at: number;
  actor: string;
  changes: string;
  note: string | null;
}

interface VersionRow {
  version: number;
  at: number;
  actor: string;
  body: string;
}

const toAuditEntry = (row: AuditRow): PolicyAuditEntry => ({
  version: row.version,
  at: row.at,
  actor: row.actor,
  changes: JSON.parse(row.changes) as PolicyChange[],
  note: row.note,
});

/** A past version, as the policy it was then. */
const toVersionedPolicy = (row: VersionRow): StoredPolicy => ({
  policy: JSON.parse(row.body) as OrgPolicy,
  version: row.version,
  updatedAt: row.at,
  updatedBy: row.actor,
});

export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Deleted rows are overwritten, not just unlinked: a closed portal message's wrapped key must not linger.
  db.pragma('secure_delete = ON');
  migrate(db);

  const selectReport = db.prepare<[string], ReportRow>('SELECT * FROM domain_reports WHERE domain = ?');
  const upsertReport = db.prepare(
    `INSERT INTO domain_reports (domain, report, checked_at, expires_at, stale_until)
     VALUES (@domain, @report, @checked_at, @expires_at, @stale_until)
     ON CONFLICT (domain) DO UPDATE SET report = excluded.report, checked_at = excluded.checked_at,
       expires_at = excluded.expires_at, stale_until = excluded.stale_until`,
  );
  const pruneReports = db.prepare('DELETE FROM domain_reports WHERE stale_until < ?');
  const selectPolicy = db.prepare<[], PolicyRow>(
    'SELECT version, body, updated_at, updated_by FROM policy WHERE id = 1',
  );
  const upsertPolicy = db.prepare(
    `INSERT INTO policy (id, version, body, updated_at, updated_by) VALUES (1, @version, @body, @at, @actor)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  const insertAudit = db.prepare(
    `INSERT INTO policy_audit (version, at, actor, changes, body, note)
     VALUES (@version, @at, @actor, @changes, @body, @note)`,
  );
  const selectAudit = db.prepare<[number], AuditRow>(
    'SELECT version, at, actor, changes, note FROM policy_audit ORDER BY version DESC LIMIT ?',
  );
  const selectVersion = db.prepare<[number], VersionRow>(
    'SELECT version, at, actor, body FROM policy_audit WHERE version = ?',
  );

  const toStoredPolicy = (row: PolicyRow): StoredPolicy => ({
    policy: JSON.parse(row.body) as OrgPolicy,
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  });

  const writePolicy = db.transaction(
    (
      policy: OrgPolicy,
      expectedVersion: number,
      actor: string,
      changes: PolicyChange[],
      note: string | null,
    ): PolicyWriteResult => {
      const current = selectPolicy.get();
      const currentVersion = current?.version ?? 0;
      if (currentVersion !== expectedVersion) return { ok: false, currentVersion };
      const row = { version: currentVersion + 1, body: JSON.stringify(policy), at: Date.now(), actor };
      upsertPolicy.run(row);
      insertAudit.run({ ...row, changes: JSON.stringify(changes), note });
      return { ok: true, stored: { policy, version: row.version, updatedAt: row.at, updatedBy: actor } };
    },
  );

  let writes = 0;
  return {
    portal: createSqlitePortalStore(db),
    activity: createSqliteActivityStore(db),
    getReport(domain) {
      return resolveRow(selectReport.get(domain), toStoredReport);
    },
    putReport(report: StoredReport) {
      upsertReport.run({
        domain: report.domain,
        report: report.json,
        checked_at: report.checkedAt,
        expires_at: report.expiresAt,
        stale_until: report.staleUntil,
      });
      // Reports past their stale window are useless; drop them now and then rather than on a timer.
      if (++writes % 500 === 0) pruneReports.run(Date.now());
      return Promise.resolve();
    },
    getPolicy() {
      return resolveRow(selectPolicy.get(), toStoredPolicy);
    },
    putPolicy(policy, expectedVersion, actor, changes, note) {
      return Promise.resolve(writePolicy(policy, expectedVersion, actor, changes, note ?? null));
    },
    policyAudit(limit) {
      return Promise.resolve(selectAudit.all(limit).map(toAuditEntry));
    },
    policyVersion(version) {
      return resolveRow(selectVersion.get(version), toVersionedPolicy);
    },
    ping() {
      db.prepare('SELECT 1').get();
      return Promise.resolve();
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new Error(
      `The database is at schema version ${current}, newer than this TLS Gate (${MIGRATIONS.length}). Upgrade TLS Gate.`,
    );
  for (let version = current; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
