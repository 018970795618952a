import { normalizeDomainInput } from '../core/domain';
import { forcedTlsCovers } from '../core/policy';
import type { DomainReport } from '../core/report';
import { checkDomain, type CheckOptions } from '../probe/check';
import type { Store, StoredReport } from './store/store';

/**
 * Domain lookups through the cache: fresh answers from the store, one probe per cold domain however many
 * ask at once (single flight), stale answers served at once while a refresh runs in the background.
 */

export type ProbeFn = (domain: string) => Promise<DomainReport>;

/** How long after a check a stale answer may still be served while it is refreshed. */
export const STALE_WINDOW_MS = 7 * 24 * 3600 * 1000;

export interface LookupOptions {
  store: Store;
  probe: ProbeFn;
  /** The org's forced-TLS list, read per request so policy changes apply at once. */
  forcedTlsDomains: () => Promise<readonly string[]>;
  now?: () => number;
  onBackgroundError?: (domain: string, error: unknown) => void;
}

export interface LookupService {
  /** One JSON object per input, in order: the report plus `cached`, `stale` and `expiresAt`. */
  lookup(inputs: readonly string[], fresh: boolean): Promise<string[]>;
  /** The same for one domain already in canonical form (the single-domain route's hot path). */
  lookupDomain(domain: string, fresh: boolean): Promise<string>;
  /** Probes started so far (for tests and metrics). */
  readonly probes: number;
  /** Waits for background refreshes (tests, shutdown). */
  idle(): Promise<void>;
}

export function probeWith(options: CheckOptions): ProbeFn {
  return (domain) => checkDomain(domain, options);
}

export function createLookupService(options: LookupOptions): LookupService {
  const { store, probe } = options;
  const now = options.now ?? Date.now;
  const inflight = new Map<string, Promise<StoredReport>>();
  let probes = 0;

  const runProbe = (domain: string): Promise<StoredReport> => {
    const existing = inflight.get(domain);
    if (existing) return existing;
    probes++;
    const task = (async () => {
      const report = await probe(domain);
      const checkedAt = Date.parse(report.checkedAt) || now();
      const stored: StoredReport = {
        domain,
        json: JSON.stringify(report),
        checkedAt,
        expiresAt: checkedAt + report.cacheTtlSeconds * 1000,
        staleUntil: checkedAt + STALE_WINDOW_MS,
      };
      await store.putReport(stored);
      return stored;
    })().finally(() => inflight.delete(domain));
    inflight.set(domain, task);
    return task;
  };

  const resolveOne = async (
    domain: string,
    fresh: boolean,
  ): Promise<{ stored: StoredReport; cached: boolean; stale: boolean }> => {
    if (!fresh) {
      const cached = await store.getReport(domain);
      const at = now();
      if (cached && at < cached.expiresAt) return { stored: cached, cached: true, stale: false };
      if (cached && at < cached.staleUntil) {
        // Serve what we have; the refresh lands in the store for the next caller.
        runProbe(domain).catch((error: unknown) => options.onBackgroundError?.(domain, error));
        return { stored: cached, cached: true, stale: true };
      }
    }
    return { stored: await runProbe(domain), cached: false, stale: false };
  };

  // A fresh cache hit renders the same bytes every time until the entry is replaced; keep them.
  const renderedHits = new WeakMap<StoredReport, string>();
  const answer = async (domain: string, fresh: boolean, forced: readonly string[]): Promise<string> => {
    const { stored, cached, stale } = await resolveOne(domain, fresh);
    if (forcedTlsCovers(domain, forced))
      return withMeta(applyForcedTls(stored.json), cached, stale, stored.expiresAt);
    if (!cached || stale) return withMeta(stored.json, cached, stale, stored.expiresAt);
    let rendered = renderedHits.get(stored);
    if (rendered === undefined) {
      rendered = withMeta(stored.json, true, false, stored.expiresAt);
      renderedHits.set(stored, rendered);
    }
    return rendered;
  };

  return {
    async lookupDomain(domain, fresh) {
      return answer(domain, fresh, await options.forcedTlsDomains());
    },
    get probes() {
      return probes;
    },
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight.values()]);
    },
    async lookup(inputs, fresh) {
      const forced = await options.forcedTlsDomains();
      // Duplicates (also "a@x.org" and "X.org.") are looked up once.
      const unique = new Map<string, Promise<string>>();
      return Promise.all(
        inputs.map(async (input) => {
          const parsed = normalizeDomainInput(input);
          if (!parsed.ok) return withMeta(JSON.stringify(await checkDomain(input)), false, false, null);
          let pending = unique.get(parsed.domain);
          if (!pending) {
            pending = answer(parsed.domain, fresh, forced);
            unique.set(parsed.domain, pending);
          }
          return pending;
        }),
      );
    },
  };
}

/** Adds cache metadata without re-serialising the stored report (the hot path). */
function withMeta(reportJson: string, cached: boolean, stale: boolean, expiresAt: number | null): string {
  const expires = expiresAt === null ? 'null' : `"${new Date(expiresAt).toISOString()}"`;
  return `{"cached":${cached},"stale":${stale},"expiresAt":${expires},${reportJson.slice(1)}`;
}

/** The org's TLS-required connector forces TLS whatever the probe saw. */
function applyForcedTls(reportJson: string): string {
  const report = JSON.parse(reportJson) as DomainReport;
  if (report.status === 'invalid' || report.status === 'no-mail') return reportJson;
  report.status = 'enforced';
  if (!report.enforcement.includes('policy')) report.enforcement.push('policy');
  report.findings.unshift({
    code: 'POLICY_FORCED_TLS',
    severity: 'info',
    message: "Your organisation's own connector requires TLS for this domain.",
  });
  return JSON.stringify(report);
}
