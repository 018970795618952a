import type { Database as SqliteDatabase } from 'better-sqlite3';

/**
 * The SQLite schema's history: each migration runs once, in order, inside a transaction, and PRAGMA
 * user_version records how many have run. Files written by earlier TLS Gates (versions 1 to 8) migrate forward
 * from where they are, so the entries below never change; a new one is appended.
 */
const BASE_SCHEMA = `CREATE TABLE domain_reports (
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
 );`;

/** Migration 2: the secure portal (portal-store.ts). */
const PORTAL_SCHEMA = `
  CREATE TABLE portal_messages (
    id               TEXT PRIMARY KEY,
    sender           TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('active', 'revoked', 'expired')),
    key_id           TEXT,
    wrapped_key      BLOB,
    method           TEXT NOT NULL CHECK (method IN ('email-code', 'sms-code', 'access-code')),
    access_code_hash BLOB,
    recipients       INTEGER NOT NULL,
    attachments      INTEGER NOT NULL,
    replies          INTEGER NOT NULL DEFAULT 0,
    locked_until     INTEGER,
    closed_at        INTEGER
  );
  CREATE INDEX portal_messages_sender ON portal_messages (sender, created_at);
  CREATE INDEX portal_messages_due ON portal_messages (expires_at) WHERE state = 'active';
  CREATE TABLE portal_links (
    token_hash BLOB PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES portal_messages (id),
    role       TEXT NOT NULL CHECK (role IN ('recipient', 'sender')),
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX portal_links_message ON portal_links (message_id);
  CREATE TABLE portal_participants (
    message_id   TEXT NOT NULL REFERENCES portal_messages (id),
    idx          INTEGER NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('recipient', 'sender')),
    address_hash BLOB NOT NULL,
    PRIMARY KEY (message_id, idx)
  ) WITHOUT ROWID;
  CREATE TABLE portal_chunks (
    message_id TEXT NOT NULL REFERENCES portal_messages (id),
    part       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    data       BLOB NOT NULL
  );
  CREATE UNIQUE INDEX portal_chunks_part ON portal_chunks (message_id, part, seq);
  CREATE TABLE portal_challenges (
    id_hash     BLOB PRIMARY KEY,
    message_id  TEXT NOT NULL REFERENCES portal_messages (id),
    participant INTEGER,
    code_hash   BLOB,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    spent       INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX portal_challenges_message ON portal_challenges (message_id);
  CREATE INDEX portal_challenges_expires ON portal_challenges (expires_at);
  CREATE TABLE portal_sessions (
    id_hash     BLOB PRIMARY KEY,
    message_id  TEXT NOT NULL REFERENCES portal_messages (id),
    participant INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('recipient', 'sender')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    opened_at   INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX portal_sessions_message ON portal_sessions (message_id);
  CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);
  CREATE TABLE portal_events (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT NOT NULL REFERENCES portal_messages (id),
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    participant INTEGER,
    detail      TEXT
  );
  CREATE INDEX portal_events_message ON portal_events (message_id, kind, at);
`;

/** Migration 3: activity counts per day (activity-store.ts). */
const ACTIVITY_SCHEMA = `
  CREATE TABLE activity_daily (
    day      TEXT NOT NULL,
    decision TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (day, decision)
  ) WITHOUT ROWID;
  CREATE TABLE activity_domains (
    day    TEXT NOT NULL,
    domain TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (day, domain)
  ) WITHOUT ROWID;
  CREATE TABLE activity_types (
    day   TEXT NOT NULL,
    type  TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, type)
  ) WITHOUT ROWID;`;

/**
 * Migration 5: recipient addresses (kept only when the policy says so), and warnings that offered Send
 * Anyway, waiting to be counted as sent anyway. A pending warning holds no domains or types: the warning
 * itself counted those. Policies stored before `activityAddresses` existed get it, off, so they still
 * match the policy schema (in the audit log too, which rollbacks read). Safe to run twice.
 */
const ACTIVITY_ADDRESSES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS activity_addresses (
    day     TEXT NOT NULL,
    address TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (day, address)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS activity_pending (
    attempt TEXT PRIMARY KEY,
    at      INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS activity_pending_at ON activity_pending (at);
  UPDATE policy SET body = json_set(body, '$.activityAddresses', json('false'))
    WHERE json_type(body, '$.activityAddresses') IS NULL;
  UPDATE policy_audit SET body = json_set(body, '$.activityAddresses', json('false'))
    WHERE json_type(body, '$.activityAddresses') IS NULL;`;

/**
 * Migration 6: wrong-code counters beside the per-message count of participants': per IP on a
 * link, and per link. Keys are keyed hashes, so no IP address is stored. Safe to run again.
 */
const PORTAL_THROTTLE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS portal_throttle (
    key          BLOB PRIMARY KEY,
    message_id   TEXT NOT NULL REFERENCES portal_messages (id),
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS portal_throttle_message ON portal_throttle (message_id);
`;

/**
 * Migration 7: the latest expiry an extension may set, fixed at sending from the policy then in force.
 * Messages sent before had the fixed 90 days; policies saved before get the former fixed 14 and 90 days
 * (in the audit log too, which rollbacks read). A table of its own rather than a column, so that it is
 * safe to run twice.
 */
export const PORTAL_MAX_EXPIRY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS portal_expiry_caps (
    message_id     TEXT PRIMARY KEY REFERENCES portal_messages (id),
    max_expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
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
 * Migration 8: replies by number: a reply keeps its number, which the sender's API and pages
 * name it by, whatever else is added. Replies stored before are numbered in the order they came. Safe to
 * run again: only messages with no numbered reply yet are numbered.
 */
const PORTAL_REPLIES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS portal_replies (
    message_id TEXT NOT NULL REFERENCES portal_messages (id),
    number     INTEGER NOT NULL,
    part       TEXT NOT NULL,
    PRIMARY KEY (message_id, number)
  ) WITHOUT ROWID;
  INSERT INTO portal_replies (message_id, number, part)
    SELECT message_id, ROW_NUMBER() OVER (PARTITION BY message_id ORDER BY first), part
    FROM (SELECT message_id, part, MIN(rowid) AS first FROM portal_chunks
          WHERE substr(part, 1, 6) = 'reply:'
            AND message_id NOT IN (SELECT message_id FROM portal_replies)
          GROUP BY message_id, part);
`;

/** Versioned migrations, in order; PRAGMA user_version is how many have run. */
const MIGRATIONS: readonly string[] = [
  BASE_SCHEMA,
  PORTAL_SCHEMA,
  ACTIVITY_SCHEMA,
  // 4: why a policy change was made, when it was not a plain edit (a rollback).
  'ALTER TABLE policy_audit ADD COLUMN note TEXT;',
  ACTIVITY_ADDRESSES_SCHEMA,
  PORTAL_THROTTLE_SCHEMA,
  PORTAL_MAX_EXPIRY_SCHEMA,
  PORTAL_REPLIES_SCHEMA,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file up to SCHEMA_VERSION; the versions it applied. */
export function migrateSqlite(db: SqliteDatabase): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new Error(
      `The database is at schema version ${current}, newer than this TLS Gate (${MIGRATIONS.length}). Upgrade TLS Gate.`,
    );
  const applied: number[] = [];
  for (let version = current; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
    applied.push(version + 1);
  }
  return applied;
}
