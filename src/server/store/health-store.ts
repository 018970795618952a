import type { DeliveryState, DeliveryVerdict } from '../../core/delivery';

/**
 * Forced-TLS health (docs/forced-tls.md#health-monitoring-and-alerts): per listed domain the latest check and
 * what the admin was last told, 90 days of samples, and an outbox of alerts that survives restarts and is
 * sent once across instances. Metadata only: domains, hosts, states; never message content.
 */

/** How long samples (and domains no longer checked) are kept. */
export const HEALTH_RETENTION_MS = 90 * 86_400_000;
/** While a domain stays not-ok, the admin is reminded this often. */
export const REMINDER_MS = 86_400_000;
/** An unchanged check is kept as a sample only when the last one is at least this old (bounds the table). */
export const SAMPLE_SPACING_MS = 3_600_000;

export interface HealthRecord {
  domain: string;
  state: DeliveryState;
  /** When `state` began (ms). */
  since: number;
  checkedAt: number;
  verdict: DeliveryVerdict;
  /** The state the admin was last alerted of; null: never alerted, which means "ok" to them. */
  alertedState: DeliveryState | null;
  alertedAt: number | null;
  remindedAt: number | null;
}

export interface HealthSample {
  domain: string;
  at: number;
  state: DeliveryState;
  reasons: DeliveryVerdict['reasons'];
}

/** What a check is news of: a change from what the admin was last told, or the daily reminder. */
export interface HealthEvent {
  kind: 'changed' | 'reminder';
  from: DeliveryState;
  to: DeliveryState;
}

export type AlertChannel = 'email' | 'webhook';

export interface NewAlert {
  channel: AlertChannel;
  /** JSON-serialisable; what the channel sends (no addresses or URLs: those come from the config). */
  payload: unknown;
}

export interface QueuedAlert {
  id: number;
  createdAt: number;
  channel: AlertChannel;
  payload: unknown;
  /** Attempts so far, this one included. */
  attempts: number;
}

export interface RecordedCheck {
  /** The domain's record before this check; null on its first. */
  previous: HealthRecord | null;
  current: HealthRecord;
  /** What this check told the admin (alerts queued in the same transaction), or null. */
  event: HealthEvent | null;
}

export interface HealthStore {
  /**
   * Records a check of `domain` made at `at` and, in the same transaction, decides with healthEvent whether
   * it is news: if so the alerts `alertsFor` makes are queued and the domain is marked as told. Checks of
   * one domain are serialised, so of concurrent calls that see the same change exactly one reports it. A
   * check older than the recorded one is kept as a sample only.
   */
  recordCheck(
    check: { domain: string; at: number; verdict: DeliveryVerdict },
    alertsFor: (event: HealthEvent, current: HealthRecord) => NewAlert[],
  ): Promise<RecordedCheck>;
  /** Every domain's latest record, by domain. */
  list(): Promise<HealthRecord[]>;
  /** Samples taken at or after `since`, oldest first. */
  samples(since: number, domains?: readonly string[]): Promise<HealthSample[]>;
  /** Deletes samples, and records of domains not checked, before `before`. */
  prune(before: number): Promise<void>;
  enqueueAlerts(alerts: readonly NewAlert[], at: number): Promise<void>;
  /**
   * Takes up to `limit` alerts due at `now`, oldest first, and holds them for `leaseMs` (counted as an
   * attempt): another caller, on any instance, does not get them until the lease ends unsent.
   */
  claimAlerts(now: number, leaseMs: number, limit: number): Promise<QueuedAlert[]>;
  alertSent(id: number, at: number): Promise<void>;
  /** A failed attempt: tried again at `retryAt`, or never (null: given up). */
  alertFailed(id: number, error: string, retryAt: number | null): Promise<void>;
}

/**
 * Whether a check in `state` at `at` is news to the admin, who was last told `previous.alertedState` (never
 * told counts as ok: a first check that finds trouble alerts, a first ok one does not). A change alerts
 * once; a domain that stays not-ok is reminded of every REMINDER_MS.
 */
export function healthEvent(
  previous: HealthRecord | null,
  state: DeliveryState,
  at: number,
): HealthEvent | null {
  const told = previous?.alertedState ?? 'ok';
  if (state !== told) return { kind: 'changed', from: told, to: state };
  if (state === 'ok' || previous === null) return null;
  const last = previous.remindedAt ?? previous.alertedAt ?? previous.since;
  return at - last >= REMINDER_MS ? { kind: 'reminder', from: state, to: state } : null;
}
