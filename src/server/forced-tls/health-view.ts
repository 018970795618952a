import type { DomainHealth, HealthSample } from '../../contract/forced-tls';
import type { DeliveryState } from '../../core/delivery';
import type { ForcedTlsEntry } from '../../core/policy';
import type { HealthRecord, HealthSample as StoredSample } from '../store/health-store';

/** The health API's view of the policy's forced-TLS entries (GET /admin/forced-tls/health). */

/** `*.` entries cover many domains and name none to probe. */
export const isCheckable = (entry: ForcedTlsEntry): boolean => !entry.domain.startsWith('*.');

const iso = (at: number): string => new Date(at).toISOString();
const day = (at: number): string => iso(at).slice(0, 10);

/**
 * A domain's samples for the timeline: each change (state or reasons) and the first check of every UTC
 * day, so 90 days stay small however often the domain is checked.
 */
export function timeline(samples: readonly StoredSample[]): HealthSample[] {
  const kept: StoredSample[] = [];
  let previous: StoredSample | undefined;
  for (const sample of samples) {
    const last = kept.at(-1);
    const changed =
      !previous ||
      previous.state !== sample.state ||
      JSON.stringify(previous.reasons) !== JSON.stringify(sample.reasons);
    if (changed || !last || day(last.at) !== day(sample.at)) kept.push(sample);
    previous = sample;
  }
  return kept.map((sample) => ({ at: iso(sample.at), state: sample.state, reasons: sample.reasons }));
}

export function domainHealth(
  entry: ForcedTlsEntry,
  record: HealthRecord | undefined,
  samples: readonly StoredSample[],
): DomainHealth {
  const checkable = isCheckable(entry);
  const known = checkable ? record : undefined;
  return {
    domain: entry.domain,
    level: entry.level,
    tlsDomain: entry.tlsDomain ?? null,
    checkable,
    state: known?.state ?? null,
    since: known ? iso(known.since) : null,
    checkedAt: known ? iso(known.checkedAt) : null,
    verdict: known?.verdict ?? null,
    history: checkable ? timeline(samples) : [],
  };
}

const RANK: Record<DeliveryState, number> = { failing: 0, 'at-risk': 1, ok: 3 };

/** Problems first: failing, at-risk, not yet checked, ok, then `*.` entries (never checked); by domain. */
export function byProblems(a: DomainHealth, b: DomainHealth): number {
  const rank = (health: DomainHealth): number =>
    !health.checkable ? 4 : health.state === null ? 2 : RANK[health.state];
  return rank(a) - rank(b) || a.domain.localeCompare(b.domain);
}

/** Every entry of the policy with its health, problems first. */
export function healthOverview(
  entries: readonly ForcedTlsEntry[],
  records: readonly HealthRecord[],
  samples: readonly StoredSample[],
): DomainHealth[] {
  const byDomain = new Map(records.map((record) => [record.domain, record]));
  const history = new Map<string, StoredSample[]>();
  for (const sample of samples) {
    const list = history.get(sample.domain) ?? [];
    list.push(sample);
    history.set(sample.domain, list);
  }
  return entries
    .map((entry) => domainHealth(entry, byDomain.get(entry.domain), history.get(entry.domain) ?? []))
    .sort(byProblems);
}
