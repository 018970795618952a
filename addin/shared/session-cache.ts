import type { DeliveryVerdict } from '../../src/core/delivery';
import type { OrgPolicy } from '../../src/core/policy';
import { blankReport, type DomainReport } from '../../src/core/report';
import type { DomainStatus, Enforcement } from '../../src/core/status';
import type { ComposeItem } from '../office/compose';
import type { LookupReport, PolicyDocument } from './api';
import { readOrgPolicy } from './policy-store';

/**
 * What the recipients-changed handler prefetches into `item.sessionData`, so the send check and the task
 * pane start from it. sessionData holds 50,000 characters on older clients, so reports are kept compact:
 * what the decision and the one-line reason need.
 */

export const STATUSES_KEY = 'tlsgate.statuses.v1';
export const POLICY_KEY = 'tlsgate.policy.v1';
/** Prefetched answers older than this are asked again. */
export const SESSION_MAX_AGE_MS = 15 * 60_000;
const MAX_POLICY_CHARS = 30_000;

export interface CompactReport {
  domain: string;
  status: DomainStatus;
  enforcement: Enforcement[];
  /** The first warning or error finding, for the one-line reason. */
  reason: string | null;
  expiresAt: string | null;
  /**
   * A forced-TLS domain's delivery verdict: what decide() warns on when it is `failing`, and what the pane
   * words. Of the hosts, only those its reasons name are kept.
   */
  delivery?: DeliveryVerdict;
}

export interface StatusCache {
  fetchedAt: number;
  /** By lowercased recipient address. */
  byAddress: Record<string, CompactReport>;
}

export function compact(report: LookupReport): CompactReport {
  const notable = report.findings.find((finding) => finding.severity !== 'info') ?? report.findings[0];
  const kept: CompactReport = {
    domain: report.domain,
    status: report.status,
    enforcement: report.enforcement,
    reason: notable ? notable.message.slice(0, 200) : null,
    expiresAt: report.expiresAt,
  };
  const delivery = report.delivery;
  if (delivery)
    kept.delivery = {
      ...delivery,
      mx: delivery.mx.filter((mx) => delivery.reasons.some((reason) => reason.host === mx.host)),
    };
  return kept;
}

const STATUSES: readonly unknown[] = ['enforced', 'opportunistic', 'none', 'no-mail', 'unknown', 'invalid'];
const DELIVERY_STATES: readonly unknown[] = ['ok', 'at-risk', 'failing'];

/** Absent, or a verdict of a known state (compact() throws on one without its hosts and reasons). */
function isDelivery(value: { state?: unknown } | null | undefined): boolean {
  return value === undefined || DELIVERY_STATES.includes(value?.state);
}

/** A lookup answer's report, compacted; null when it lacks what the decision reads (a garbled answer). */
export function compactOrNull(report: unknown): CompactReport | null {
  if (typeof report !== 'object' || report === null) return null;
  const r = report as Partial<Record<keyof LookupReport, unknown>>;
  if (typeof r.domain !== 'string' || !STATUSES.includes(r.status) || !Array.isArray(r.enforcement))
    return null;
  if (!Array.isArray(r.findings) || !isDelivery(r.delivery as { state?: unknown } | null | undefined))
    return null;
  try {
    return compact(report as LookupReport);
  } catch {
    return null;
  }
}

/** A compact report in the DomainReport shape the decision reads (status, domain, enforcement, delivery). */
export function expand(report: CompactReport): DomainReport {
  const expanded = blankReport(report.domain, report.status, report.enforcement);
  if (report.delivery) expanded.delivery = report.delivery;
  return expanded;
}

function parse(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export async function readStatuses(item: ComposeItem, now: number): Promise<Record<string, CompactReport>> {
  const cache = parse(await item.sessionGet(STATUSES_KEY).catch(() => null)) as StatusCache | null;
  if (!cache || typeof cache.byAddress !== 'object' || now - cache.fetchedAt > SESSION_MAX_AGE_MS) return {};
  const fresh: Record<string, CompactReport> = {};
  for (const [address, report] of Object.entries(cache.byAddress)) {
    const expires = report.expiresAt ? Date.parse(report.expiresAt) : NaN;
    if (Number.isNaN(expires) || expires > now) fresh[address] = report;
  }
  return fresh;
}

export async function writeStatuses(
  item: ComposeItem,
  byAddress: Record<string, CompactReport>,
  now: number,
): Promise<void> {
  const value: StatusCache = { fetchedAt: now, byAddress };
  await item.sessionSet(STATUSES_KEY, JSON.stringify(value));
}

export async function readPolicy(item: ComposeItem, now: number): Promise<OrgPolicy | null> {
  const cached = parse(await item.sessionGet(POLICY_KEY).catch(() => null)) as
    (PolicyDocument & { fetchedAt: number }) | null;
  if (!cached || now - cached.fetchedAt > SESSION_MAX_AGE_MS) return null;
  return readOrgPolicy(cached.policy);
}

export async function writePolicy(item: ComposeItem, document: PolicyDocument, now: number): Promise<void> {
  const text = JSON.stringify({ ...document, fetchedAt: now });
  // A very large policy would crowd out the statuses; the send check then fetches it itself.
  if (text.length <= MAX_POLICY_CHARS) await item.sessionSet(POLICY_KEY, text);
}
