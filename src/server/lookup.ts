import { createHash } from 'node:crypto';
import { normalizeDomainInput, type DomainInputResult } from '../core/domain';
import { deliveryVerdict } from '../core/delivery';
import { deliverySentence } from '../core/delivery-messages';
import { forcedTlsEntryFor, type ForcedTlsEntry } from '../core/policy';
import type { DomainReport } from '../core/report';
import { checkDomain, dnsClientFor, type CheckOptions } from '../probe/check';
import type { DnsClient } from '../probe/dns';
import { ApiError } from './errors';
import type { Fleet } from './fleet/fleet';
import { createProbeQueue, type ProbeBudget, type ProbeQueue, type ProbeQueueStats } from './probe-queue';
import type { Store, StoredReport } from './store/store';

/**
 * Domain lookups through the cache: fresh answers from the store, one probe per cold domain however many
 * ask at once (single flight, across instances with a fleet), stale answers served at once while a refresh
 * runs in the background. Probes go through one bounded queue per instance, and each caller pays for the
 * probes its request needs before any starts: a request that does not fit is refused whole (503 BUSY,
 * 429 RATE_LIMITED).
 */

export type ProbeFn = (domain: string) => Promise<DomainReport>;

/** How long after a check a stale answer may still be served while it is refreshed. */
export const STALE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Retry-After for a full queue: about one probe's time budget, as slots free within it. */
export const BUSY_RETRY_AFTER_SECONDS = 10;

export interface LookupOptions {
  store: Store;
  probe: ProbeFn;
  /** The org's forced-TLS list, read per request so policy changes apply at once. */
  forcedTlsDomains: () => Promise<readonly ForcedTlsEntry[]>;
  /**
   * What is at hand without waiting, for cachedDomain: a report in memory, and the forced-TLS list while
   * the policy's cache is fresh (null otherwise). Without it cachedDomain answers nothing.
   */
  peek?: {
    report(domain: string): StoredReport | undefined;
    forcedTlsDomains(): readonly ForcedTlsEntry[] | null;
  };
  /** The instance's probe queue; default 16 running and 200 waiting. */
  queue?: ProbeQueue;
  /** Probes per caller per minute; without it callers are not charged. */
  budget?: ProbeBudget;
  now?: () => number;
  onBackgroundError?: (domain: string, error: unknown) => void;
  /**
   * Other instances on the same database: a probe runs on one of them at a time, and the others read
   * its result from the database (`read`: past this instance's memory, which then keeps it). Without it,
   * this process only.
   */
  fleet?: { flights: Pick<Fleet, 'singleFlight'>; read(domain: string): Promise<StoredReport | null> };
}

/**
 * A lookup's answer as the API sends it: the report plus `cached`, `stale` and `expiresAt`, as UTF-8 bytes.
 * A cache hit's answer is made once and reused until the entry is replaced, so its bytes and ETag cost
 * nothing per request.
 */
export class RenderedReport {
  readonly bytes: Buffer;
  #etag: string | undefined;

  constructor(json: string) {
    // Not from Node's shared pool: a kept answer must not hold on to a slab shared with short-lived buffers.
    this.bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    this.bytes.write(json);
  }

  get json(): string {
    return this.bytes.toString();
  }

  /**
   * A strong validator of the bytes: their SHA-256, so it changes whenever any byte does (status, findings,
   * cache metadata, the org's forced TLS) and tells nothing the body does not. Equal answers from two
   * instances get the same ETag.
   */
  get etag(): string {
    this.#etag ??= `"${createHash('sha256').update(this.bytes).digest('base64url')}"`;
    return this.#etag;
  }
}

export interface LookupService {
  /**
   * One answer per input, in order. `caller` (the identity's subject) is charged one probe per domain the
   * cache cannot answer; internal callers (benchmarks, warm-ups) pass none.
   */
  lookup(inputs: readonly string[], fresh: boolean, caller?: string): Promise<RenderedReport[]>;
  /** The same for one domain already in canonical form (the single-domain route's hot path). */
  lookupDomain(domain: string, fresh: boolean, caller?: string): Promise<RenderedReport>;
  /**
   * The answer lookupDomain would give, when it needs nothing but memory: a fresh report and the current
   * policy both at hand. Null otherwise (lookupDomain then answers). Costs no promise, no probe and no
   * budget, as a fresh cache hit never does.
   */
  cachedDomain(domain: string): RenderedReport | null;
  /** Probes started so far (for tests and metrics). */
  readonly probes: number;
  /** The probe queue now (/readyz and the metrics log line). */
  queue(): ProbeQueueStats;
  /** Waits for background refreshes (tests, shutdown). */
  idle(): Promise<void>;
}

/** The real probe. Every check shares one DNS client, so its cap on queries in flight holds overall. */
export function probeWith(options: CheckOptions): ProbeFn {
  let dns: DnsClient | undefined = options.dns;
  return (domain) => {
    // Created on first use: a server that never probes needs no resolver configured.
    dns ??= dnsClientFor(options);
    return checkDomain(domain, { ...options, dns });
  };
}

/** What the cache can answer before anything starts; then the answer, cached or being probed. */
type Cached = { probe: false; stored: StoredReport; stale: boolean };
type Plan = Cached | { probe: true };
type Answer = Cached | { probed: Promise<StoredReport> };

export function createLookupService(options: LookupOptions): LookupService {
  const { store, probe, budget } = options;
  const now = options.now ?? Date.now;
  const queue = options.queue ?? createProbeQueue(16, 200);
  const inflight = new Map<string, Promise<StoredReport>>();
  let probes = 0;

  const probeAndStore = (domain: string): Promise<StoredReport> => {
    probes++;
    return queue.run(async () => {
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
    });
  };

  /**
   * One probe of `domain` at a time, here and (with a fleet) across instances. `fresh`: a forced re-probe,
   * satisfied only by a probe that started after it was asked for; otherwise any unexpired report will do.
   */
  const runProbe = (domain: string, fresh: boolean): Promise<StoredReport> => {
    const existing = inflight.get(domain);
    if (existing) return existing;
    const fleet = options.fleet;
    const askedAt = now();
    const task = (
      fleet
        ? fleet.flights.singleFlight(domain, () => probeAndStore(domain), {
            ready: async () => {
              const shared = await fleet.read(domain);
              const probedSince = shared !== null && shared.checkedAt >= askedAt;
              return shared && (probedSince || (!fresh && now() < shared.expiresAt)) ? shared : null;
            },
          })
        : probeAndStore(domain)
    ).finally(() => inflight.delete(domain));
    inflight.set(domain, task);
    return task;
  };

  const plan = async (domain: string, fresh: boolean): Promise<Plan> => {
    if (fresh) return { probe: true };
    let cached = await store.getReport(domain);
    // An expired copy in memory: another instance may have refreshed it in the database since.
    if (cached && options.fleet && now() >= cached.expiresAt) {
      const shared = await options.fleet.read(domain);
      if (shared && shared.checkedAt > cached.checkedAt) cached = shared;
    }
    const at = now();
    if (cached && at < cached.expiresAt) return { probe: false, stored: cached, stale: false };
    if (cached && at < cached.staleUntil) return { probe: false, stored: cached, stale: true };
    return { probe: true };
  };

  /**
   * Starts the probes `plans` need, all or none: a full queue or an exhausted budget refuses the request
   * before anything starts (synchronous from the check to the start, so no other request interleaves).
   */
  const start = (
    plans: ReadonlyMap<string, Plan>,
    caller: string | undefined,
    fresh: boolean,
  ): Map<string, Answer> => {
    const needed = [...plans].filter(([, item]) => item.probe).map(([domain]) => domain);
    if (needed.length > 0) {
      if (!queue.hasRoom(needed.filter((domain) => !inflight.has(domain)).length))
        throw new ApiError('BUSY', { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
      const wait = caller === undefined || !budget ? 0 : budget.take(caller, needed.length);
      if (wait > 0)
        throw new ApiError(
          'RATE_LIMITED',
          `Too many domains checked; try again in ${wait} seconds (cached answers are still served).`,
          { retryAfterSeconds: wait },
        );
    }
    const answers = new Map<string, Answer>();
    for (const [domain, item] of plans) {
      if (item.probe) {
        answers.set(domain, { probed: runProbe(domain, fresh) });
        continue;
      }
      // Serve what we have; the refresh lands in the store for the next caller, unless the queue is busy.
      if (item.stale && !inflight.has(domain) && queue.hasRoomForBackground())
        runProbe(domain, false).catch((error: unknown) => options.onBackgroundError?.(domain, error));
      answers.set(domain, item);
    }
    return answers;
  };

  // A cache hit renders the same bytes every time until the entry is replaced (the rendering depends only
  // on the entry, whether it is stale and whether forced TLS covers the domain): keep them with the entry.
  // The delivery verdict counts days to a certificate's end, so a kept variant lasts an hour at most.
  const renderedHits = new WeakMap<StoredReport, Map<string, { rendered: RenderedReport; until: number }>>();
  const renderHit = (
    stored: StoredReport,
    stale: boolean,
    forced: ForcedTlsEntry | undefined,
  ): RenderedReport => {
    const variants =
      renderedHits.get(stored) ?? new Map<string, { rendered: RenderedReport; until: number }>();
    const key = forced ? `${stale ? 's' : 'f'}|${forced.level}|${forced.tlsDomain ?? ''}` : stale ? 's' : 'f';
    const kept = variants.get(key);
    if (kept && (forced === undefined || now() < kept.until)) return kept.rendered;
    const json = forced ? applyForcedTls(stored.json, forced, now()) : stored.json;
    const rendered = new RenderedReport(withMeta(json, true, stale, stored.expiresAt));
    variants.set(key, { rendered, until: now() + 3600_000 });
    renderedHits.set(stored, variants);
    return rendered;
  };
  const render = async (
    domain: string,
    item: Answer,
    forced: readonly ForcedTlsEntry[],
  ): Promise<RenderedReport> => {
    const covering = forcedTlsEntryFor(domain, forced);
    if (!('probed' in item)) return renderHit(item.stored, item.stale, covering);
    const stored = await item.probed;
    return new RenderedReport(
      withMeta(
        covering ? applyForcedTls(stored.json, covering, now()) : stored.json,
        false,
        false,
        stored.expiresAt,
      ),
    );
  };

  /** A fresh hit in memory, rendered, or null when anything (the report, the policy) needs waiting for. */
  const memoryHit = (domain: string, forced: readonly ForcedTlsEntry[]): RenderedReport | null => {
    const stored = options.peek?.report(domain);
    if (!stored || now() >= stored.expiresAt) return null;
    return renderHit(stored, false, forcedTlsEntryFor(domain, forced));
  };
  /** Every input a valid domain with a fresh hit in memory: the answers, else null. */
  const memoryHits = (inputs: readonly string[]): RenderedReport[] | null => {
    const forced = options.peek?.forcedTlsDomains() ?? null;
    if (forced === null) return null;
    const answers: RenderedReport[] = [];
    for (const input of inputs) {
      const parsed = canonicalDomain(input);
      const hit = parsed.ok ? memoryHit(parsed.domain, forced) : null;
      if (hit === null) return null;
      answers.push(hit);
    }
    return answers;
  };

  return {
    cachedDomain(domain) {
      const forced = options.peek?.forcedTlsDomains() ?? null;
      return forced === null ? null : memoryHit(domain, forced);
    },
    async lookupDomain(domain, fresh, caller) {
      const [forced, item] = await Promise.all([options.forcedTlsDomains(), plan(domain, fresh)]);
      if (!item.probe && !item.stale) return renderHit(item.stored, false, forcedTlsEntryFor(domain, forced));
      const answer = start(new Map([[domain, item]]), caller, fresh).get(domain);
      if (!answer) throw new Error('lookup plan lost the domain');
      return render(domain, answer, forced);
    },
    get probes() {
      return probes;
    },
    queue: () => queue.stats(),
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight.values()]);
    },
    async lookup(inputs, fresh, caller) {
      // All fresh hits in memory (the add-in's usual batch): answered without a promise per domain.
      const hits = fresh ? null : memoryHits(inputs);
      if (hits) return hits;
      const forced = await options.forcedTlsDomains();
      // Duplicates (also "a@x.org" and "X.org.") are looked up, and charged, once.
      const parsed = inputs.map(canonicalDomain);
      const domains = [...new Set(parsed.flatMap((result) => (result.ok ? [result.domain] : [])))];
      const plans = new Map(
        await Promise.all(domains.map(async (domain) => [domain, await plan(domain, fresh)] as const)),
      );
      const answers = new Map(
        [...start(plans, caller, fresh)].map(
          ([domain, item]) => [domain, render(domain, item, forced)] as const,
        ),
      );
      return Promise.all(
        parsed.map(async (result, index) => {
          if (!result.ok)
            return new RenderedReport(
              withMeta(JSON.stringify(await checkDomain(inputs[index] ?? '')), false, false, null),
            );
          return answers.get(result.domain) ?? Promise.reject(new Error('lookup plan lost a domain'));
        }),
      );
    },
  };
}

const canonicalCache = new Map<string, DomainInputResult>();
const CANONICAL_CACHE_SIZE = 10_000;

/**
 * normalizeDomainInput, remembered: the add-in asks for the same few hundred domains all day, and a batch
 * of 20 would otherwise pay for 20 parses. Only inputs of a plausible length are kept, so the memory is
 * bounded (at most 10,000 entries of 256 characters); the oldest half goes when it is full.
 */
export function canonicalDomain(input: string): DomainInputResult {
  const known = canonicalCache.get(input);
  if (known) return known;
  const result = normalizeDomainInput(input);
  if (input.length <= 256) {
    if (canonicalCache.size >= CANONICAL_CACHE_SIZE) {
      let drop = CANONICAL_CACHE_SIZE / 2;
      for (const key of canonicalCache.keys()) {
        if (drop-- <= 0) break;
        canonicalCache.delete(key);
      }
    }
    canonicalCache.set(input, result);
  }
  return result;
}

/** Adds cache metadata without re-serialising the stored report (the hot path). */
function withMeta(reportJson: string, cached: boolean, stale: boolean, expiresAt: number | null): string {
  const expires = expiresAt === null ? 'null' : `"${new Date(expiresAt).toISOString()}"`;
  return `{"cached":${cached},"stale":${stale},"expiresAt":${expires},${reportJson.slice(1)}`;
}

/**
 * The org's TLS-required connector forces TLS whatever the probe saw, so the status is `enforced`; but a
 * connector that refuses every MX delivers nothing. The delivery verdict at the entry's level says which,
 * and replaces the findings that spoke of clear text, which the connector never sends.
 */
export function applyForcedTls(reportJson: string, entry: ForcedTlsEntry, now: number): string {
  const report = JSON.parse(reportJson) as DomainReport;
  if (report.status === 'invalid') return reportJson;
  const delivery = deliveryVerdict(report, entry, now);
  report.delivery = delivery;
  // No mail server at all is its own status, which the send check already treats as undeliverable.
  if (report.status === 'no-mail') return JSON.stringify(report);
  report.status = 'enforced';
  if (!report.enforcement.includes('policy')) report.enforcement.push('policy');
  report.findings = report.findings.filter((finding) => finding.code !== 'SMTP_NO_STARTTLS');
  if (delivery.state !== 'ok')
    report.findings.unshift({
      code: delivery.state === 'failing' ? 'FORCED_TLS_FAILING' : 'FORCED_TLS_AT_RISK',
      severity: delivery.state === 'failing' ? 'error' : 'warning',
      message: deliverySentence(report.domain, delivery, 'en'),
    });
  report.findings.unshift({
    code: 'POLICY_FORCED_TLS',
    severity: 'info',
    message: "Your organisation's own connector requires TLS for this domain.",
  });
  return JSON.stringify(report);
}
