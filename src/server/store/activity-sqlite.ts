import type Database from 'better-sqlite3';
import { ACTIVITY_DECISIONS, type ActivityDecision, type ActivityStore } from './activity-store';

/** Migration 3: activity counts per day (see activity-store.ts). */
export const ACTIVITY_SCHEMA = `
  CREATE TABLE activity_daily (
    day      TEXT NOT NULL,
    decision TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (day, decision)
  ) WITHOUT ROWID;
  CREATE TABLE activity_domains (
    day    TEXT NOT NULL,
    domain TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (day, domain)
  ) WITHOUT ROWID;
  CREATE TABLE activity_types (
    day   TEXT NOT NULL,
    type  TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, type)
  ) WITHOUT ROWID;`;

export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function createSqliteActivityStore(db: Database.Database): ActivityStore {
  const bump = (table: 'activity_daily' | 'activity_domains' | 'activity_types', column: string) =>
    db.prepare<[string, string]>(
      `INSERT INTO ${table} (day, ${column}, count) VALUES (?, ?, 1)
       ON CONFLICT (day, ${column}) DO UPDATE SET count = count + 1`,
    );
  const bumpDecision = bump('activity_daily', 'decision');
  const bumpDomain = bump('activity_domains', 'domain');
  const bumpType = bump('activity_types', 'type');
  const record = db.transaction((day: string, decision: string, domains: string[], types: string[]) => {
    bumpDecision.run(day, decision);
    for (const domain of domains) bumpDomain.run(day, domain);
    for (const type of types) bumpType.run(day, type);
  });
  const daily = db.prepare<[string, string], { day: string; decision: string; count: number }>(
    'SELECT day, decision, count FROM activity_daily WHERE day BETWEEN ? AND ? ORDER BY day',
  );
  const domains = db.prepare<[string, string, number], { domain: string; count: number }>(
    `SELECT domain, SUM(count) AS count FROM activity_domains WHERE day BETWEEN ? AND ?
     GROUP BY domain ORDER BY count DESC, domain LIMIT ?`,
  );
  const types = db.prepare<[string, string], { type: string; count: number }>(
    `SELECT type, SUM(count) AS count FROM activity_types WHERE day BETWEEN ? AND ?
     GROUP BY type ORDER BY count DESC, type`,
  );
  const prune = db.transaction((beforeDay: string) => {
    for (const table of ['activity_daily', 'activity_domains', 'activity_types'])
      db.prepare(`DELETE FROM ${table} WHERE day < ?`).run(beforeDay);
  });

  return {
    record(event) {
      record(
        dayOf(event.at),
        event.decision,
        [...new Set(event.riskyDomains)],
        [...new Set(event.detectionTypes)],
      );
      return Promise.resolve();
    },
    summary(fromDay, toDay, top) {
      const byDay = new Map<string, Record<ActivityDecision, number>>();
      // Every day in the range appears, with zeros, so charts and CSV have no gaps.
      for (let at = Date.parse(`${fromDay}T00:00:00Z`); dayOf(at) <= toDay; at += 86_400_000)
        byDay.set(
          dayOf(at),
          Object.fromEntries(ACTIVITY_DECISIONS.map((d) => [d, 0])) as Record<ActivityDecision, number>,
        );
      for (const row of daily.all(fromDay, toDay)) {
        const counts = byDay.get(row.day);
        if (counts && (ACTIVITY_DECISIONS as readonly string[]).includes(row.decision))
          counts[row.decision as ActivityDecision] = row.count;
      }
      return Promise.resolve({
        days: [...byDay.entries()].map(([day, counts]) => ({ day, counts })),
        topDomains: domains.all(fromDay, toDay, top),
        detectionTypes: types.all(fromDay, toDay),
      });
    },
    prune(beforeDay) {
      prune(beforeDay);
      return Promise.resolve();
    },
  };
}
