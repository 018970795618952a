import type { Store, StoredReport } from './store';

/** A store with reports in memory in front of it, which can be read without waiting. */
export interface CachedStore extends Store {
  /** The report if it is in memory (no database read); undefined otherwise. */
  peekReport(domain: string): StoredReport | undefined;
}

/**
 * Keeps the most recently used reports in memory in front of the database, so a cached lookup costs a
 * map read instead of a query. Writes go through to the store. With several instances another
 * instance's refresh shows here when the entry expires, which the report's lifetime already bounds.
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
    async putReport(report) {
      await store.putReport(report);
      remember(report);
    },
  };
}
