import { openSqliteStore } from '../../src/server/store/sqlite';
import { withReportCache } from '../../src/server/store/report-cache';
import type { StoredReport } from '../../src/server/store/store';

/** The memory in front of the store, and reloading past it when another instance may have written. */

const report = (domain: string, checkedAt: number): StoredReport => ({
  domain,
  json: JSON.stringify({ domain, checkedAt }),
  checkedAt,
  expiresAt: checkedAt + 1000,
  staleUntil: checkedAt + 5000,
});

describe('withReportCache', () => {
  it('keeps what it read or wrote, and reloads a newer report written behind its back', async () => {
    const database = openSqliteStore(':memory:');
    const cached = withReportCache(database);
    await cached.putReport(report('a.example', 100));
    expect(cached.peekReport('a.example')?.checkedAt).toBe(100);

    // Another instance writes a newer report: memory does not know until reloaded.
    await database.putReport(report('a.example', 200));
    expect((await cached.getReport('a.example'))?.checkedAt).toBe(100);
    expect((await cached.reloadReport('a.example'))?.checkedAt).toBe(200);
    expect(cached.peekReport('a.example')?.checkedAt).toBe(200);
  });

  it('keeps its own copy when the database holds an older one, and answers null when neither has it', async () => {
    const database = openSqliteStore(':memory:');
    const cached = withReportCache(database);
    await database.putReport(report('b.example', 100));
    await cached.getReport('b.example');
    await database.putReport(report('b.example', 50));
    expect((await cached.reloadReport('b.example'))?.checkedAt).toBe(100);
    expect(await cached.reloadReport('none.example')).toBeNull();
    expect(cached.peekReport('none.example')).toBeUndefined();
  });
});
