/**
 * What the on-send check reports about its decisions, kept as per-day counts: metadata only, no content
 * and no addresses (recipient domains and detection types only), pruned after the retention period.
 */

export const ACTIVITY_DECISIONS = ['allowed', 'warned', 'blocked', 'sent-anyway', 'sent-via-portal'] as const;
export type ActivityDecision = (typeof ACTIVITY_DECISIONS)[number];

export interface ActivityEvent {
  /** ms since epoch */
  at: number;
  decision: ActivityDecision;
  riskyDomains: string[];
  detectionTypes: string[];
}

export interface ActivityDay {
  day: string;
  counts: Record<ActivityDecision, number>;
}

export interface ActivitySummary {
  days: ActivityDay[];
  topDomains: Array<{ domain: string; count: number }>;
  detectionTypes: Array<{ type: string; count: number }>;
}

export interface ActivityStore {
  record(event: ActivityEvent): Promise<void>;
  /** Days from `fromDay` to `toDay` (YYYY-MM-DD, inclusive), oldest first. */
  summary(fromDay: string, toDay: string, top: number): Promise<ActivitySummary>;
  /** Deletes counts for days before `beforeDay`. */
  prune(beforeDay: string): Promise<void>;
}
