import type Database from 'better-sqlite3';
import type {
  PortalChallenge,
  PortalEvent,
  PortalEventKind,
  PortalMessage,
  PortalMethod,
  PortalParticipant,
  PortalRole,
  PortalSession,
  PortalState,
  PortalStore,
} from './portal-store';
import { resolveRow } from './rows';

/** The portal's tables (migration 2 in sqlite.ts). */
export const PORTAL_SCHEMA = `
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

/**
 * Wrong-code counters beside the per-message count of participants' (migration 6 in sqlite.ts): per IP on a
 * link, and per link. Keys are keyed hashes, so no IP address is stored. Safe to run again.
 */
export const PORTAL_THROTTLE_SCHEMA = `
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
 * Replies by number (migration 8 in sqlite.ts): a reply keeps its number, which the sender's API and pages
 * name it by, whatever else is added. Replies stored before are numbered in the order they came. Safe to
 * run again: only messages with no numbered reply yet are numbered.
 */
export const PORTAL_REPLIES_SCHEMA = `
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

interface MessageRow {
  id: string;
  sender: string;
  created_at: number;
  expires_at: number;
  /** From portal_expiry_caps; null only if that row were missing. */
  max_expires_at: number | null;
  state: PortalState;
  key_id: string | null;
  wrapped_key: Buffer | null;
  method: PortalMethod;
  access_code_hash: Buffer | null;
  recipients: number;
  attachments: number;
  replies: number;
  locked_until: number | null;
  closed_at: number | null;
}

interface ParticipantRow {
  idx: number;
  role: PortalRole;
  address_hash: Buffer;
}

interface ChallengeRow {
  id_hash: Buffer;
  message_id: string;
  participant: number | null;
  code_hash: Buffer | null;
  created_at: number;
  expires_at: number;
  attempts: number;
  spent: number;
}

interface SessionRow {
  id_hash: Buffer;
  message_id: string;
  participant: number;
  role: PortalRole;
  created_at: number;
  expires_at: number;
  opened_at: number | null;
}

interface EventRow {
  at: number;
  kind: PortalEventKind;
  participant: number | null;
  detail: string | null;
}

type RecordFailure = PortalStore['recordFailure'];

const toMessage = (row: MessageRow): PortalMessage => ({
  id: row.id,
  sender: row.sender,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  // Without its cap row (never expected) a message cannot be extended: the stricter reading.
  maxExpiresAt: row.max_expires_at ?? row.expires_at,
  state: row.state,
  keyId: row.key_id,
  wrappedKey: row.wrapped_key,
  method: row.method,
  accessCodeHash: row.access_code_hash,
  recipients: row.recipients,
  attachments: row.attachments,
  replies: row.replies,
  lockedUntil: row.locked_until,
  closedAt: row.closed_at,
});

const toParticipant = (row: ParticipantRow): PortalParticipant => ({
  index: row.idx,
  role: row.role,
  addressHash: row.address_hash,
});

const toChallenge = (row: ChallengeRow): PortalChallenge => ({
  idHash: row.id_hash,
  messageId: row.message_id,
  participant: row.participant,
  codeHash: row.code_hash,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  attempts: row.attempts,
  spent: row.spent === 1,
});

const toSession = (row: SessionRow): PortalSession => ({
  idHash: row.id_hash,
  messageId: row.message_id,
  participant: row.participant,
  role: row.role,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  openedAt: row.opened_at,
});

const toEvent = (row: EventRow): PortalEvent => ({
  at: row.at,
  kind: row.kind,
  participant: row.participant,
  detail: row.detail ? (JSON.parse(row.detail) as PortalEvent['detail']) : null,
});

export function createSqlitePortalStore(db: Database.Database): PortalStore {
  const insertMessage = db.prepare(
    `INSERT INTO portal_messages (id, sender, created_at, expires_at, state, key_id, wrapped_key, method,
       access_code_hash, recipients, attachments)
     VALUES (@id, @sender, @createdAt, @expiresAt, 'active', @keyId, @wrappedKey, @method, @accessCodeHash,
       @recipients, @attachments)`,
  );
  const insertExpiryCap = db.prepare(
    'INSERT INTO portal_expiry_caps (message_id, max_expires_at) VALUES (?, ?)',
  );
  const insertParticipant = db.prepare(
    'INSERT INTO portal_participants (message_id, idx, role, address_hash) VALUES (?, ?, ?, ?)',
  );
  const insertLink = db.prepare(
    'INSERT INTO portal_links (token_hash, message_id, role, created_at) VALUES (?, ?, ?, ?)',
  );
  const insertChunk = db.prepare(
    'INSERT INTO portal_chunks (message_id, part, seq, data) VALUES (?, ?, ?, ?)',
  );
  const insertEvent = db.prepare(
    'INSERT INTO portal_events (message_id, at, kind, participant, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const messageColumns = `SELECT m.*, c.max_expires_at FROM portal_messages m
    LEFT JOIN portal_expiry_caps c ON c.message_id = m.id`;
  const selectMessage = db.prepare<[string], MessageRow>(`${messageColumns} WHERE m.id = ?`);
  const selectMessages = db.prepare<[string, number], MessageRow>(
    `${messageColumns} WHERE m.sender = ? ORDER BY m.created_at DESC, m.id LIMIT ?`,
  );
  const selectLink = db.prepare<[Buffer], { message_id: string; role: PortalRole }>(
    'SELECT message_id, role FROM portal_links WHERE token_hash = ?',
  );
  const selectParticipants = db.prepare<[string], ParticipantRow>(
    'SELECT idx, role, address_hash FROM portal_participants WHERE message_id = ? ORDER BY idx',
  );
  const countChunks = db.prepare<[string, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM portal_chunks WHERE message_id = ? AND part = ?',
  );
  const selectChunk = db.prepare<[string, string, number], { data: Buffer }>(
    'SELECT data FROM portal_chunks WHERE message_id = ? AND part = ? AND seq = ?',
  );
  const selectPart = db.prepare<[string, string], { data: Buffer }>(
    'SELECT data FROM portal_chunks WHERE message_id = ? AND part = ? ORDER BY seq',
  );
  const selectReplies = db.prepare<[string], { id: number; part: string }>(
    'SELECT number AS id, part FROM portal_replies WHERE message_id = ? ORDER BY number',
  );
  const insertReply = db.prepare<[string, string, string], { number: number }>(
    `INSERT INTO portal_replies (message_id, number, part)
     SELECT ?, COALESCE(MAX(number), 0) + 1, ? FROM portal_replies WHERE message_id = ? RETURNING number`,
  );
  const countReply = db.prepare(
    "UPDATE portal_messages SET replies = replies + 1 WHERE id = ? AND state = 'active'",
  );
  const upsertChallenge = db.prepare(
    `INSERT OR REPLACE INTO portal_challenges
       (id_hash, message_id, participant, code_hash, created_at, expires_at, attempts, spent)
     VALUES (@idHash, @messageId, @participant, @codeHash, @createdAt, @expiresAt, @attempts, @spent)`,
  );
  const selectChallenge = db.prepare<[Buffer], ChallengeRow>(
    'SELECT * FROM portal_challenges WHERE id_hash = ?',
  );
  const bumpAttempts = db.prepare<[Buffer], { attempts: number }>(
    'UPDATE portal_challenges SET attempts = attempts + 1 WHERE id_hash = ? RETURNING attempts',
  );
  const countKind = db.prepare<[string, string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM portal_events WHERE message_id = ? AND kind = ? AND at >= ?',
  );
  const countParticipantFailures = db.prepare<[string, number], { n: number }>(
    `SELECT COUNT(*) AS n FROM portal_events
     WHERE message_id = ? AND kind = 'code-failed' AND participant IS NOT NULL AND at >= ?`,
  );
  // SET sees the row as it was, so both CASEs test the old window.
  const bumpThrottle = db.prepare<
    [{ key: Buffer; messageId: string; at: number; windowStart: number }],
    { failures: number }
  >(
    `INSERT INTO portal_throttle (key, message_id, window_start, failures) VALUES (@key, @messageId, @at, 1)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN window_start < @windowStart THEN 1 ELSE failures + 1 END,
       window_start = CASE WHEN window_start < @windowStart THEN @at ELSE window_start END
     RETURNING failures`,
  );
  const lockThrottleRow = db.prepare(
    `UPDATE portal_throttle SET locked_until = ?
     WHERE key = ? AND message_id = ? AND (locked_until IS NULL OR locked_until <= ?)`,
  );
  const selectThrottleLock = db.prepare<[Buffer], { locked_until: number | null }>(
    'SELECT locked_until FROM portal_throttle WHERE key = ?',
  );
  const pruneThrottle = db.prepare(
    'DELETE FROM portal_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)',
  );
  const spend = db.prepare('UPDATE portal_challenges SET spent = 1 WHERE id_hash = ? AND spent = 0');
  const lockMessage = db.prepare(
    `UPDATE portal_messages SET locked_until = ?
     WHERE id = ? AND state = 'active' AND (locked_until IS NULL OR locked_until <= ?)`,
  );
  const insertSession = db.prepare(
    `INSERT INTO portal_sessions (id_hash, message_id, participant, role, created_at, expires_at, opened_at)
     VALUES (@idHash, @messageId, @participant, @role, @createdAt, @expiresAt, NULL)`,
  );
  const selectSession = db.prepare<[Buffer], SessionRow>('SELECT * FROM portal_sessions WHERE id_hash = ?');
  const markSessionOpened = db.prepare(
    'UPDATE portal_sessions SET opened_at = ? WHERE id_hash = ? AND opened_at IS NULL',
  );
  const removeSession = db.prepare('DELETE FROM portal_sessions WHERE id_hash = ?');
  const selectEvents = db.prepare<[string, number], EventRow>(
    'SELECT at, kind, participant, detail FROM portal_events WHERE message_id = ? ORDER BY at DESC, id DESC LIMIT ?',
  );
  const selectOpens = db.prepare<[string], { participant: number; first: number; last: number }>(
    `SELECT participant, MIN(at) AS first, MAX(at) AS last FROM portal_events
     WHERE message_id = ? AND kind = 'opened' AND participant IS NOT NULL GROUP BY participant ORDER BY participant`,
  );
  const updateExpiry = db.prepare(
    "UPDATE portal_messages SET expires_at = ? WHERE id = ? AND state = 'active' AND expires_at > ?",
  );
  const closeMessage = db.prepare(
    `UPDATE portal_messages SET state = ?, closed_at = ?, key_id = NULL, wrapped_key = NULL,
       access_code_hash = NULL, locked_until = NULL
     WHERE id = ? AND state = 'active'`,
  );
  const dropPerMessage = [
    'portal_chunks',
    'portal_participants',
    'portal_links',
    'portal_challenges',
    'portal_sessions',
    'portal_throttle',
    'portal_replies',
  ].map((table) => db.prepare(`DELETE FROM ${table} WHERE message_id = ?`));
  const selectDue = db.prepare<[number, number], { id: string }>(
    "SELECT id FROM portal_messages WHERE state = 'active' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
  );
  const pruneChallenges = db.prepare('DELETE FROM portal_challenges WHERE expires_at < ?');
  const pruneSessions = db.prepare('DELETE FROM portal_sessions WHERE expires_at < ?');

  const event = (messageId: string, e: PortalEvent): void => {
    insertEvent.run(messageId, e.at, e.kind, e.participant, e.detail ? JSON.stringify(e.detail) : null);
  };

  const create = db.transaction((input: Parameters<PortalStore['createMessage']>[0]) => {
    const m = input.message;
    insertMessage.run({
      id: m.id,
      sender: m.sender,
      createdAt: m.createdAt,
      expiresAt: m.expiresAt,
      keyId: m.keyId,
      wrappedKey: m.wrappedKey,
      method: m.method,
      accessCodeHash: m.accessCodeHash,
      recipients: m.recipients,
      attachments: m.attachments,
    });
    insertExpiryCap.run(m.id, m.maxExpiresAt);
    for (const p of input.participants) insertParticipant.run(m.id, p.index, p.role, p.addressHash);
    insertLink.run(input.tokenHash, m.id, 'recipient', m.createdAt);
    for (const chunk of input.chunks) insertChunk.run(m.id, chunk.part, chunk.seq, chunk.data);
    event(m.id, { at: m.createdAt, kind: 'created', participant: 0, detail: null });
  });

  const reply = db.transaction(
    (...[messageId, added, participant, at]: Parameters<PortalStore['addReply']>): number | null => {
      if (countReply.run(messageId).changes !== 1) return null;
      for (const chunk of added.chunks) insertChunk.run(messageId, chunk.part, chunk.seq, chunk.data);
      const number = insertReply.get(messageId, added.part, messageId)?.number ?? null;
      if (number === null) throw new Error('portal: a reply could not be numbered');
      event(messageId, {
        at,
        kind: 'replied',
        participant,
        detail: { reply: number, attachments: added.files },
      });
      return number;
    },
  );

  const failure = db.transaction(
    (...[idHash, messageId, participant, at, windowStart, throttles]: Parameters<RecordFailure>) => {
      const attempts = bumpAttempts.get(idHash)?.attempts ?? 0;
      event(messageId, { at, kind: 'code-failed', participant, detail: null });
      return {
        attempts,
        recent: countParticipantFailures.get(messageId, windowStart)?.n ?? 0,
        throttles: throttles.map(
          (key) => bumpThrottle.get({ key, messageId, at, windowStart })?.failures ?? 0,
        ),
      };
    },
  );

  const closeTx = db.transaction(
    (messageId: string, state: 'revoked' | 'expired', at: number, participant: number | null) => {
      if (closeMessage.run(state, at, messageId).changes !== 1) return false;
      for (const drop of dropPerMessage) drop.run(messageId);
      event(messageId, { at, kind: state, participant, detail: null });
      return true;
    },
  );

  return {
    createMessage(input) {
      create(input);
      return Promise.resolve();
    },
    getMessage(id) {
      return resolveRow(selectMessage.get(id), toMessage);
    },
    listMessages(sender, limit) {
      return Promise.resolve(selectMessages.all(sender, limit).map(toMessage));
    },
    findLink(tokenHash) {
      return resolveRow(selectLink.get(tokenHash), (row) => ({ messageId: row.message_id, role: row.role }));
    },
    addLink(tokenHash, messageId, role, at) {
      insertLink.run(tokenHash, messageId, role, at);
      return Promise.resolve();
    },
    participants(messageId) {
      return Promise.resolve(selectParticipants.all(messageId).map(toParticipant));
    },
    chunkCount(messageId, part) {
      return Promise.resolve(countChunks.get(messageId, part)?.n ?? 0);
    },
    getChunk(messageId, part, seq) {
      return Promise.resolve(selectChunk.get(messageId, part, seq)?.data ?? null);
    },
    readPart(messageId, part) {
      return Promise.resolve(selectPart.all(messageId, part).map((row) => row.data));
    },
    replies(messageId) {
      return Promise.resolve(selectReplies.all(messageId));
    },
    addReply(...args) {
      return Promise.resolve(reply(...args));
    },
    putChallenge(c: PortalChallenge) {
      upsertChallenge.run({ ...c, spent: c.spent ? 1 : 0 });
      return Promise.resolve();
    },
    getChallenge(idHash) {
      return resolveRow(selectChallenge.get(idHash), toChallenge);
    },
    recordFailure(...args) {
      return Promise.resolve(failure(...args));
    },
    lockThrottle(key, messageId, at, until) {
      return Promise.resolve(lockThrottleRow.run(until, key, messageId, at).changes === 1);
    },
    throttleLocked(keys, at) {
      return Promise.resolve(
        keys.map((key) => {
          const until = selectThrottleLock.get(key)?.locked_until ?? null;
          return until !== null && until > at;
        }),
      );
    },
    spendChallenge(idHash) {
      return Promise.resolve(spend.run(idHash).changes === 1);
    },
    lock(messageId, at, until) {
      return Promise.resolve(lockMessage.run(until, messageId, at).changes === 1);
    },
    createSession(s: PortalSession) {
      insertSession.run({ ...s });
      return Promise.resolve();
    },
    getSession(idHash) {
      return resolveRow(selectSession.get(idHash), toSession);
    },
    markOpened(idHash, at) {
      return Promise.resolve(markSessionOpened.run(at, idHash).changes === 1);
    },
    deleteSession(idHash) {
      removeSession.run(idHash);
      return Promise.resolve();
    },
    addEvent(messageId, e) {
      event(messageId, e);
      return Promise.resolve();
    },
    events(messageId, limit) {
      return Promise.resolve(selectEvents.all(messageId, limit).map(toEvent));
    },
    countEvents(messageId, kind, since) {
      return Promise.resolve(countKind.get(messageId, kind, since)?.n ?? 0);
    },
    opens(messageId) {
      return Promise.resolve(selectOpens.all(messageId));
    },
    setExpiry(messageId, expiresAt, at) {
      return Promise.resolve(updateExpiry.run(expiresAt, messageId, at).changes === 1);
    },
    close(messageId, state, at, participant) {
      const closed = closeTx(messageId, state, at, participant);
      // secure_delete zeroes the freed pages; truncating the WAL drops its older copies of them too.
      if (closed) db.pragma('wal_checkpoint(TRUNCATE)');
      return Promise.resolve(closed);
    },
    dueForExpiry(now, limit) {
      return Promise.resolve(selectDue.all(now, limit).map((row) => row.id));
    },
    prune(now, throttleBefore) {
      pruneChallenges.run(now);
      pruneSessions.run(now);
      pruneThrottle.run(throttleBefore, now);
      return Promise.resolve();
    },
  };
}
