import type { Generated, Kysely, Transaction } from 'kysely';
import type { DeliveryState } from '../../core/delivery';
import type { PortalMethod, PortalRole, PortalState } from './portal-store';

/**
 * The tables as the queries see them, the same on SQLite and PostgreSQL. Times are ms since epoch (BIGINT on
 * PostgreSQL, read back as numbers); flags are 0/1 integers on both, so every query binds the same values.
 */

export interface ReportTable {
  domain: string;
  report: string;
  checked_at: number;
  expires_at: number;
  stale_until: number;
}

export interface PolicyTable {
  id: number;
  version: number;
  body: string;
  updated_at: number;
  updated_by: string;
}

export interface PolicyAuditTable {
  version: number;
  at: number;
  actor: string;
  changes: string;
  body: string;
  note: string | null;
}

export interface PortalMessageTable {
  id: string;
  sender: string;
  created_at: number;
  expires_at: number;
  state: PortalState;
  key_id: string | null;
  wrapped_key: Buffer | null;
  method: PortalMethod;
  access_code_hash: Buffer | null;
  recipients: number;
  attachments: number;
  replies: Generated<number>;
  locked_until: number | null;
  closed_at: number | null;
}

export interface PortalLinkTable {
  token_hash: Buffer;
  message_id: string;
  role: PortalRole;
  created_at: number;
}

export interface PortalParticipantTable {
  message_id: string;
  idx: number;
  role: PortalRole;
  address_hash: Buffer;
}

export interface PortalChunkTable {
  message_id: string;
  part: string;
  seq: number;
  data: Buffer;
}

export interface PortalChallengeTable {
  id_hash: Buffer;
  message_id: string;
  participant: number | null;
  code_hash: Buffer | null;
  created_at: number;
  expires_at: number;
  attempts: Generated<number>;
  /** 0 or 1. */
  spent: Generated<number>;
}

export interface PortalSessionTable {
  id_hash: Buffer;
  message_id: string;
  participant: number;
  role: PortalRole;
  created_at: number;
  expires_at: number;
  opened_at: number | null;
}

export interface PortalEventTable {
  id: Generated<number>;
  message_id: string;
  at: number;
  kind: string;
  participant: number | null;
  detail: string | null;
}

export interface PortalThrottleTable {
  key: Buffer;
  message_id: string;
  window_start: number;
  failures: number;
  locked_until: number | null;
}

export interface PortalExpiryCapTable {
  message_id: string;
  max_expires_at: number;
}

export interface PortalReplyTable {
  message_id: string;
  number: number;
  part: string;
}

export interface DayCountTable {
  day: string;
  count: number;
}

export interface ActivityPendingTable {
  attempt: string;
  at: number;
}

/** A forced-TLS domain's latest health check, and what the admin was last told (health-store.ts). */
export interface ForcedTlsHealthTable {
  domain: string;
  state: DeliveryState;
  since: number;
  checked_at: number;
  /** The DeliveryVerdict as JSON. */
  verdict: string;
  alerted_state: DeliveryState | null;
  alerted_at: number | null;
  reminded_at: number | null;
}

export interface ForcedTlsHealthSampleTable {
  domain: string;
  at: number;
  state: DeliveryState;
  /** The verdict's reasons as JSON. */
  reasons: string;
}

export interface AlertOutboxTable {
  id: Generated<number>;
  created_at: number;
  channel: 'email' | 'webhook';
  payload: string;
  attempts: Generated<number>;
  /** Null once sent or given up. */
  next_attempt_at: number | null;
  sent_at: number | null;
  last_error: string | null;
}

export interface Database {
  domain_reports: ReportTable;
  policy: PolicyTable;
  policy_audit: PolicyAuditTable;
  portal_messages: PortalMessageTable;
  portal_links: PortalLinkTable;
  portal_participants: PortalParticipantTable;
  portal_chunks: PortalChunkTable;
  portal_challenges: PortalChallengeTable;
  portal_sessions: PortalSessionTable;
  portal_events: PortalEventTable;
  portal_throttle: PortalThrottleTable;
  portal_expiry_caps: PortalExpiryCapTable;
  portal_replies: PortalReplyTable;
  activity_daily: DayCountTable & { decision: string };
  activity_domains: DayCountTable & { domain: string };
  /** Per domain and decision (warned, blocked, ...): the traffic connector proposals rank by. */
  activity_domain_decisions: DayCountTable & { domain: string; decision: string };
  activity_types: DayCountTable & { type: string };
  activity_addresses: DayCountTable & { address: string };
  activity_pending: ActivityPendingTable;
  forced_tls_health: ForcedTlsHealthTable;
  forced_tls_health_samples: ForcedTlsHealthSampleTable;
  alert_outbox: AlertOutboxTable;
}

/** Every table, parents before the tables that refer to them (the order migrate-store copies in). */
export const TABLES = [
  'domain_reports',
  'policy',
  'policy_audit',
  'portal_messages',
  'portal_expiry_caps',
  'portal_links',
  'portal_participants',
  'portal_chunks',
  'portal_challenges',
  'portal_sessions',
  'portal_events',
  'portal_throttle',
  'portal_replies',
  'activity_daily',
  'activity_domains',
  'activity_types',
  'activity_addresses',
  'activity_pending',
  'activity_domain_decisions',
  'forced_tls_health',
  'forced_tls_health_samples',
  'alert_outbox',
] as const satisfies ReadonlyArray<keyof Database>;

export type StoreDialect = 'sqlite' | 'postgres';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** What differs between the two databases beyond the SQL that Kysely writes for each. */
export interface DialectHooks {
  readonly dialect: StoreDialect;
  /**
   * Serialises writers of one portal message until the transaction ends. PostgreSQL: a row lock on the
   * message. SQLite has one writer at a time already, so nothing.
   */
  lockMessage(trx: Tx, messageId: string): Promise<void>;
  /** After a message's secrets were deleted: SQLite truncates its WAL, which still holds older copies. */
  afterClose(): Promise<void>;
  /** Releases the database once Kysely is done with it (Kysely lets go only of a driver it has used). */
  release(): void;
}
