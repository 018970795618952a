import type { ActivityDecision, ActivitySummary } from '../../contract/activity';

/**
 * What the on-send check reports about its decisions, kept as per-day counts: metadata only, no content;
 * recipient domains and detection types, and addresses only when the policy turns that on. Pruned after the
 * retention period.
 */

/** At most this many warnings wait to be counted as sent anyway; more are not tracked. */
export const MAX_PENDING_ATTEMPTS = 100_000;

export interface ActivityEvent {
  /** ms since epoch */
  at: number;
  decision: ActivityDecision;
  riskyDomains: string[];
  detectionTypes: string[];
  /** Lowercase; only when the policy's `activityAddresses` is on, else empty. */
  riskyAddresses: string[];
}

export interface ActivityStore {
  record(event: ActivityEvent): Promise<void>;
  /** Remembers a warning that offered Send Anyway, until it is superseded or promoted. */
  recordPending(attempt: string, at: number): Promise<void>;
  /** The user tried again in the same draft, so that warning did not go out as it was. */
  supersede(attempt: string): Promise<void>;
  /** Counts warnings pending since before `before` (ms) as sent anyway, on their own day; forgets them. */
  promotePending(before: number): Promise<void>;
  /** Days from `fromDay` to `toDay` (YYYY-MM-DD, inclusive), oldest first. */
  summary(fromDay: string, toDay: string, top: number): Promise<ActivitySummary>;
  /**
   * The domains warned or blocked sends went to from `fromDay` to `toDay`, with each count, most sends
   * first (then by domain), the `top` most. Counted from schema version 9 on (connector proposals).
   */
  warnedDomains(fromDay: string, toDay: string, top: number): Promise<WarnedDomain[]>;
  /** Deletes counts for days before `beforeDay`. */
  prune(beforeDay: string): Promise<void>;
}

export interface WarnedDomain {
  domain: string;
  warned: number;
  blocked: number;
}

/** The UTC day (YYYY-MM-DD) an activity count falls on. */
export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
