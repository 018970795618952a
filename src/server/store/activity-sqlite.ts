import type Database from 'better-sqlite3';
import { ACTIVITY_DECISIONS, type ActivityDecision } from '../../contract/activity';
import { MAX_PENDING_ATTEMPTS, type ActivityStore } from './activity-store';

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

/**
 * Migration 5: recipient addresses (kept only when the policy says so), and warnings that offered Send
 * Anyway, waiting to be counted as sent anyway. A pending warning holds no domains or types: the warning
 * itself counted those. Policies stored before `activityAddresses` existed get it, off, so they still
 * match the policy schema (in the audit log too, which rollbacks read). Safe to run twice.
 */
export const ACTIVITY_ADDRESSES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS activity_addresses (
    day     TEXT NOT NULL,
    address TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (day, address)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS activity_pending (
    attempt TEXT PRIMARY KEY,
    at      INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS activity_pending_at ON activity_pending (at);
  UPDATE policy SET body = json_set(body, '$.activityAddresses', json('false'))
    WHERE json_type(body, '$.activityAddresses') IS NULL;
  UPDATE policy_audit SET body = json_set(body, '$.activityAddresses', json('false'))
    WHERE json_type(body, '$.activityAddresses') IS NULL;`;

export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function createSqliteActivityStore(db: Database.Database): ActivityStore {
  const bump = (
    table: 'activity_daily' | 'activity_domains' | 'activity_types' | 'activity_addresses',
    column: string,
  ) =>
    db.prepare<[string, string]>(
      `INSERT INTO ${table} (day, ${column}, count) VALUES (?, ?, 1)
       ON CONFLICT (day, ${column}) DO UPDATE SET count = count + 1`,
    );
  const bumpDecision = bump('activity_daily', 'decision');
  const bumpDomain = bump('activity_domains', 'domain');
  const bumpType = bump('activity_types', 'type');
  const bumpAddress = bump('activity_addresses', 'address');
  const record = db.transaction(
    (day: string, decision: string, domains: string[], types: string[], addresses: string[]) => {
      bumpDecision.run(day, decision);
      for (const domain of domains) bumpDomain.run(day, domain);
      for (const type of types) bumpType.run(day, type);
      for (const address of addresses) bumpAddress.run(day, address);
    },
  );
  const insertPending = db.prepare<[string, number, number]>(
    `INSERT OR IGNORE INTO activity_pending (attempt, at)
     SELECT ?, ? WHERE (SELECT COUNT(*) FROM activity_pending) < ?`,
  );
  const deletePending = db.prepare<[string]>('DELETE FROM activity_pending WHERE attempt = ?');
  const duePending = db.prepare<[number], { at: number }>('SELECT at FROM activity_pending WHERE at < ?');
  const deleteDue = db.prepare<[number]>('DELETE FROM activity_pending WHERE at < ?');
  const addSentAnyway = db.prepare<[string, number]>(
    `INSERT INTO activity_daily (day, decision, count) VALUES (?, 'sent-anyway', ?)
     ON CONFLICT (day, decision) DO UPDATE SET count = count + excluded.count`,
  );
  const promote = db.transaction((before: number) => {
    const perDay = new Map<string, number>();
    for (const row of duePending.all(before)) perDay.set(dayOf(row.at), (perDay.get(dayOf(row.at)) ?? 0) + 1);
    for (const [day, count] of perDay) addSentAnyway.run(day, count);
    deleteDue.run(before);
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
  const addresses = db.prepare<[string, string, number], { address: string; count: number }>(
    `SELECT address, SUM(count) AS count FROM activity_addresses WHERE day BETWEEN ? AND ?
     GROUP BY address ORDER BY count DESC, address LIMIT ?`,
  );
  const prune = db.transaction((beforeDay: string) => {
    for (const table of ['activity_daily', 'activity_domains', 'activity_types', 'activity_addresses'])
      db.prepare(`DELETE FROM ${table} WHERE day < ?`).run(beforeDay);
  });

  return {
    record(event) {
      record(
        dayOf(event.at),
        event.decision,
        [...new Set(event.riskyDomains)],
        [...new Set(event.detectionTypes)],
        [...new Set(event.riskyAddresses)],
      );
      return Promise.resolve();
    },
    recordPending(attempt, at) {
      insertPending.run(attempt, at, MAX_PENDING_ATTEMPTS);
      return Promise.resolve();
    },
    supersede(attempt) {
      deletePending.run(attempt);
      return Promise.resolve();
    },
    promotePending(before) {
      promote(before);
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
        topAddresses: addresses.all(fromDay, toDay, top),
      });
    },
    prune(beforeDay) {
      prune(beforeDay);
      return Promise.resolve();
    },
  };
}
