import { deliveryVerdict, type DeliveryVerdict } from '../../core/delivery';
import type { ForcedTlsEntry } from '../../core/policy';
import type { DomainReport } from '../../core/report';
import { mapLimited } from '../../probe/limit';
import type { Fleet } from '../fleet';
import type { LookupService } from '../lookup';
import type { PolicyService } from '../policy-service';
import {
  HEALTH_RETENTION_MS,
  type HealthEvent,
  type HealthRecord,
  type HealthStore,
  type NewAlert,
  type RecordedCheck,
} from '../store/health-store';
import { isCheckable } from './health-view';

/**
 * Re-probes every forced-TLS domain of the policy (but `*.` entries) once per TLSGATE_HEALTH_INTERVAL and
 * records what a TLS-required connector would make of it. A check that changes what the admin was last
 * told, or a domain that stays not-ok for a day, queues alerts in the same transaction (health-store.ts);
 * sending them is alerts.ts's job, so a check never waits for a relay or a webhook. Domains removed from
 * the policy are no longer checked; their history goes when it is pruned.
 */

/** Checks at once per run: the probe queue serves users too. */
const CONCURRENCY = 4;
const DAY_MS = 86_400_000;

export interface HealthMonitorOptions {
  store: HealthStore;
  lookup: Pick<LookupService, 'lookupDomain'>;
  policy: Pick<PolicyService, 'current'>;
  fleet: Pick<Fleet, 'exclusive'>;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
  now: () => number;
  intervalMs: number;
  /** The alerts an event makes (alert-messages.ts), one per configured channel. */
  alertsFor: (event: HealthEvent, record: HealthRecord) => NewAlert[];
  /** Told after a check queued alerts, so they go out now rather than at the next drain. */
  onQueued: () => void;
}

export interface HealthMonitor {
  /** Checks the domains that are due (or whose entry changed level), once across the fleet; prunes daily. */
  runDue(): Promise<void>;
  /** Checks one domain now, records it and queues any alert; `caller` pays for the probe. */
  check(entry: ForcedTlsEntry, caller?: string): Promise<RecordedCheck>;
}

/** The verdict the lookup attached (applyForcedTls); worked out here when the entry changed meanwhile. */
function verdictOf(report: DomainReport, entry: ForcedTlsEntry, now: number): DeliveryVerdict {
  const attached = report.delivery;
  const tlsDomain = entry.level === 'domain-validation' ? (entry.tlsDomain ?? null) : null;
  if (attached && attached.level === entry.level && attached.tlsDomain === tlsDomain) return attached;
  return deliveryVerdict(report, entry, now);
}

/** Whether the domain's latest check is older than the interval, or was judged at another level. */
function isDue(
  entry: ForcedTlsEntry,
  record: HealthRecord | undefined,
  at: number,
  intervalMs: number,
): boolean {
  if (!record || at - record.checkedAt >= intervalMs) return true;
  const tlsDomain = entry.level === 'domain-validation' ? (entry.tlsDomain ?? null) : null;
  return record.verdict.level !== entry.level || record.verdict.tlsDomain !== tlsDomain;
}

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const { store, log, now } = options;
  let prunedAt = Number.NEGATIVE_INFINITY;

  const check = async (entry: ForcedTlsEntry, caller?: string): Promise<RecordedCheck> => {
    const answer = await options.lookup.lookupDomain(entry.domain, true, caller);
    const report = JSON.parse(answer.json) as DomainReport;
    const at = now();
    const recorded = await store.recordCheck(
      { domain: entry.domain, at, verdict: verdictOf(report, entry, at) },
      options.alertsFor,
    );
    if (recorded.event) {
      const { kind, from, to } = recorded.event;
      log.info({ domain: entry.domain, event: kind, from, to }, 'forced TLS health: alert queued');
      options.onQueued();
    }
    return recorded;
  };

  const runDue = async (): Promise<void> => {
    await options.fleet.exclusive('forced-tls-health', async () => {
      const entries = (await options.policy.current()).policy.forcedTlsDomains.filter(isCheckable);
      const records = new Map((await store.list()).map((record) => [record.domain, record]));
      const at = now();
      const due = entries.filter((entry) => isDue(entry, records.get(entry.domain), at, options.intervalMs));
      await mapLimited(due, CONCURRENCY, async (entry) => {
        try {
          await check(entry);
        } catch (error) {
          // Left due: the next run tries again.
          log.warn({ domain: entry.domain, err: error }, 'forced TLS health check failed');
        }
      });
      if (at - prunedAt >= DAY_MS) {
        prunedAt = at;
        await store.prune(at - HEALTH_RETENTION_MS);
      }
    });
  };

  return { runDue, check };
}
