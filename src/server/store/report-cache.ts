import type { Store, StoredReport } from './store';

/** A store with reports in memory in front of it, which can be read without waiting. */
export interface CachedStore extends Store {
  /** The report if it is in memory (no database read); undefined otherwise. */
  peekReport(domain: string): StoredReport | undefined;
  /**
   * Reads the report from the database past memory (another instance may have written a newer one) and
   * keeps whichever of the two is newer; that one, or null when neither has it.
   */
  reloadReport(domain: string): Promise<StoredReport | null>;
}

/**
 * Keeps the most recently used reports in memory in front of the database, so a cached lookup costs a
 * map read instead of a query. Writes go through to the store. With several instances, another
 * instance's probe shows here once the lookup reloads it (when it waited for that probe, or when its copy
 * expired).
 */
export function withReportCache(store: Store, maxEntries = 10_000): CachedStore {
  const recent = new Map<string, StoredReport>();
  const remember = (report: StoredReport): void => {
    recent.delete(report.domain);
    recent.set(report.domain, report);
    if (recent.size > maxEntries) {
      const oldest = recent.keys().next();
      if (!oldest.done) recent.delete(oldest.value);
    }
  };
  const peekReport = (domain: string): StoredReport | undefined => {
    const hit = recent.get(domain);
    if (hit) remember(hit);
    return hit;
  };
  return {
    ...store,
    peekReport,
    async getReport(domain) {
      const hit = peekReport(domain);
      if (hit) return hit;
      const stored = await store.getReport(domain);
      if (stored) remember(stored);
      return stored;
    },
    async reloadReport(domain) {
      const stored = await store.getReport(domain);
      const held = recent.get(domain);
      if (held && (!stored || held.checkedAt >= stored.checkedAt)) return held;
      if (stored) remember(stored);
      return stored;
    },
    async putReport(report) {
      await store.putReport(report);
      remember(report);
    },
  };
}
