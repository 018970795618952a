import type { Database as SqliteDatabase } from 'better-sqlite3';
import { addColumnSql, createSchemaSql, createTablesSql, versionsToApply, type TableName } from './ddl';
import { TABLES } from './schema';

/**
 * The SQLite schema's history. PRAGMA user_version is the version a file is at. A new file is created with
 * the whole schema (ddl.ts) at the latest version; a file from an earlier TLS Gate (at any version before the latest) takes
 * the steps after its version, each once, in order, inside a transaction. The steps below never change; a
 * new one is appended.
 */

/** The schema version that added each table. */
const ADDED_IN: Readonly<Record<TableName, number>> = {
  domain_reports: 1,
  policy: 1,
  policy_audit: 1,
  portal_messages: 2,
  portal_links: 2,
  portal_participants: 2,
  portal_chunks: 2,
  portal_challenges: 2,
  portal_sessions: 2,
  portal_events: 2,
  activity_daily: 3,
  activity_domains: 3,
  activity_types: 3,
  activity_addresses: 5,
  activity_pending: 5,
  portal_throttle: 6,
  portal_expiry_caps: 7,
  portal_replies: 8,
  activity_domain_decisions: 9,
  forced_tls_health: 9,
  forced_tls_health_samples: 9,
  alert_outbox: 9,
};

/**
 * The tables a version added, as ddl.ts defines them: none has changed since, but for policy_audit's note
 * (version 4), and version 1 never runs now. A column a later version adds to one of these tables must be
 * left out here, so that its ALTER finds it missing. From version 5 on with IF NOT EXISTS, so that the step
 * is safe to run again.
 */
const tablesAddedIn = (version: number): string =>
  createTablesSql(
    TABLES.filter((table) => ADDED_IN[table] === version),
    'sqlite',
    { ifNotExists: version >= 5 },
  );

/**
 * Version 5: recipient addresses (kept only when the policy says so), and warnings that offered Send
 * Anyway, waiting to be counted as sent anyway. Policies stored before `activityAddresses` existed get it,
 * off, so they still match the policy schema (in the audit log too, which rollbacks read). Safe to run twice.
 */
const ACTIVITY_ADDRESSES = `${tablesAddedIn(5)}
  UPDATE policy SET body = json_set(body, '$.activityAddresses', json('false'))
    WHERE json_type(body, '$.activityAddresses') IS NULL;
  UPDATE policy_audit SET body = json_set(body, '$.activityAddresses', json('false'))
    WHERE json_type(body, '$.activityAddresses') IS NULL;`;

/**
 * Version 7: the latest expiry an extension may set, fixed at sending from the policy then in force.
 * Messages sent before had the fixed 90 days; policies saved before get the former fixed 14 and 90 days
 * (in the audit log too, which rollbacks read). A table of its own rather than a column, so that it is
 * safe to run twice.
 */
export const PORTAL_MAX_EXPIRY_SCHEMA = `${tablesAddedIn(7)}
  INSERT OR IGNORE INTO portal_expiry_caps (message_id, max_expires_at)
    SELECT id, created_at + 90 * 86400000 FROM portal_messages;
  UPDATE policy SET body = json_set(body, '$.portalDefaultExpiryDays', 14)
    WHERE json_type(body, '$.portalDefaultExpiryDays') IS NULL;
  UPDATE policy SET body = json_set(body, '$.portalMaxExpiryDays', 90)
    WHERE json_type(body, '$.portalMaxExpiryDays') IS NULL;
  UPDATE policy_audit SET body = json_set(body, '$.portalDefaultExpiryDays', 14)
    WHERE json_type(body, '$.portalDefaultExpiryDays') IS NULL;
  UPDATE policy_audit SET body = json_set(body, '$.portalMaxExpiryDays', 90)
    WHERE json_type(body, '$.portalMaxExpiryDays') IS NULL;`;

/**
 * Version 8: replies by number: a reply keeps its number, which the sender's API and pages name it by,
 * whatever else is added. Replies stored before are numbered in the order they came. Safe to run again:
 * only messages with no numbered reply yet are numbered.
 */
const PORTAL_REPLIES = `${tablesAddedIn(8)}
  INSERT INTO portal_replies (message_id, number, part)
    SELECT message_id, ROW_NUMBER() OVER (PARTITION BY message_id ORDER BY first), part
    FROM (SELECT message_id, part, MIN(rowid) AS first FROM portal_chunks
          WHERE substr(part, 1, 6) = 'reply:'
            AND message_id NOT IN (SELECT message_id FROM portal_replies)
          GROUP BY message_id, part);`;

/** UPGRADES[n - 2] brings a file from version n - 1 to n. */
const UPGRADES: readonly string[] = [
  // 2: the secure portal (portal-store.ts).
  tablesAddedIn(2),
  // 3: activity counts per day (activity-store.ts).
  tablesAddedIn(3),
  // 4: why a policy change was made, when it was not a plain edit (a rollback).
  addColumnSql('policy_audit', 'note', 'sqlite'),
  ACTIVITY_ADDRESSES,
  // 6: wrong-code counters beside the per-message count of participants': per IP on a link, and per link.
  // Keys are keyed hashes, so no IP address is stored.
  tablesAddedIn(6),
  PORTAL_MAX_EXPIRY_SCHEMA,
  PORTAL_REPLIES,
  // 9: warned and blocked counts per domain (connector proposals, forced-tls-proposals.ts); forced-TLS
  // health (the latest check per domain, 90 days of samples) and the alerts waiting to go out.
  tablesAddedIn(9),
];

export const SCHEMA_VERSION = UPGRADES.length + 1;

/** Brings the file up to SCHEMA_VERSION; the versions it applied. */
export function migrateSqlite(db: SqliteDatabase): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied = versionsToApply(current, SCHEMA_VERSION);
  const step = (sql: string, version: number): void => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  };
  if (current === 0) step(createSchemaSql('sqlite'), SCHEMA_VERSION);
  else for (const version of applied) step(UPGRADES[version - 2] ?? '', version);
  return applied;
}
