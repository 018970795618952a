import { sql } from 'kysely';
import { ACTIVITY_DECISIONS, type ActivityDecision } from '../../contract/activity';
import { dayOf, MAX_PENDING_ATTEMPTS, type ActivityStore } from './activity-store';
import type { Db, Tx } from './schema';

/** On-send activity counts (activity-store.ts) over either database. */

const COUNTED = {
  activity_daily: 'decision',
  activity_domains: 'domain',
  activity_types: 'type',
  activity_addresses: 'address',
} as const;
type CountTable = keyof typeof COUNTED;

/** Adds `by` to the day's count for `key`; one statement, so concurrent writers add up. */
async function bump(trx: Db | Tx, table: CountTable, day: string, key: string, by = 1): Promise<void> {
  const column = COUNTED[table];
  // The column names come from COUNTED above, never from input.
  await sql`INSERT INTO ${sql.table(table)} (day, ${sql.ref(column)}, count) VALUES (${day}, ${key}, ${by})
    ON CONFLICT (day, ${sql.ref(column)}) DO UPDATE SET count = ${sql.ref(`${table}.count`)} + ${by}`.execute(
    trx,
  );
}

/** Each key's total over the days from `fromDay` to `toDay`, largest first (the `top` largest). */
async function totals(
  db: Db,
  table: Exclude<CountTable, 'activity_daily'>,
  fromDay: string,
  toDay: string,
  top?: number,
): Promise<Array<{ key: string; count: number }>> {
  const key = sql.ref<string>(COUNTED[table]);
  const query = db
    .selectFrom(table)
    .select([key.as('key'), sql<number>`SUM(count)`.as('count')])
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .groupBy(key)
    .orderBy(sql`2`, 'desc')
    .orderBy(key);
  return (top === undefined ? query : query.limit(top)).execute();
}

/** Adds one to the day's count of `decision` for each domain (in the order writers lock rows in). */
async function bumpDomainDecisions(
  trx: Tx,
  day: string,
  decision: ActivityDecision,
  domains: readonly string[],
): Promise<void> {
  for (const domain of domains)
    await sql`INSERT INTO activity_domain_decisions (day, domain, decision, count)
      VALUES (${day}, ${domain}, ${decision}, 1)
      ON CONFLICT (day, domain, decision) DO UPDATE SET count = activity_domain_decisions.count + 1`.execute(
      trx,
    );
}

/** Rows are locked in one order by every writer, so two instances counting at once cannot deadlock. */
const distinct = (values: readonly string[]): string[] => [...new Set(values)].sort();

export function createActivityStore(db: Db): ActivityStore {
  return {
    async record(event) {
      const day = dayOf(event.at);
      await db.transaction().execute(async (trx) => {
        await bump(trx, 'activity_daily', day, event.decision);
        const domains = distinct(event.riskyDomains);
        for (const domain of domains) await bump(trx, 'activity_domains', day, domain);
        await bumpDomainDecisions(trx, day, event.decision, domains);
        for (const type of distinct(event.detectionTypes)) await bump(trx, 'activity_types', day, type);
        for (const address of distinct(event.riskyAddresses))
          await bump(trx, 'activity_addresses', day, address);
      });
    },
    async recordPending(attempt, at) {
      // The cap is checked in the same statement; the casts type the bare parameters on PostgreSQL.
      await sql`INSERT INTO activity_pending (attempt, at)
        SELECT CAST(${attempt} AS TEXT), CAST(${at} AS BIGINT)
        WHERE (SELECT COUNT(*) FROM activity_pending) < ${MAX_PENDING_ATTEMPTS}
        ON CONFLICT (attempt) DO NOTHING`.execute(db);
    },
    async supersede(attempt) {
      await db.deleteFrom('activity_pending').where('attempt', '=', attempt).execute();
    },
    async promotePending(before) {
      await db.transaction().execute(async (trx) => {
        // Counted from the rows this call deleted: of two instances promoting at once, each row counts once.
        const due = await trx
          .deleteFrom('activity_pending')
          .where('at', '<', before)
          .returning('at')
          .execute();
        const perDay = new Map<string, number>();
        for (const row of due) perDay.set(dayOf(row.at), (perDay.get(dayOf(row.at)) ?? 0) + 1);
        for (const [day, count] of [...perDay].sort(([a], [b]) => a.localeCompare(b)))
          await bump(trx, 'activity_daily', day, 'sent-anyway', count);
      });
    },
    async summary(fromDay, toDay, top) {
      const byDay = new Map<string, Record<ActivityDecision, number>>();
      // Every day in the range appears, with zeros, so charts and CSV have no gaps.
      for (let at = Date.parse(`${fromDay}T00:00:00Z`); dayOf(at) <= toDay; at += 86_400_000)
        byDay.set(
          dayOf(at),
          Object.fromEntries(ACTIVITY_DECISIONS.map((d) => [d, 0])) as Record<ActivityDecision, number>,
        );
      const daily = await db
        .selectFrom('activity_daily')
        .select(['day', 'decision', 'count'])
        .where('day', '>=', fromDay)
        .where('day', '<=', toDay)
        .orderBy('day')
        .execute();
      for (const row of daily) {
        const counts = byDay.get(row.day);
        if (counts && (ACTIVITY_DECISIONS as readonly string[]).includes(row.decision))
          counts[row.decision as ActivityDecision] = row.count;
      }
      const [domains, types, addresses] = await Promise.all([
        totals(db, 'activity_domains', fromDay, toDay, top),
        totals(db, 'activity_types', fromDay, toDay),
        totals(db, 'activity_addresses', fromDay, toDay, top),
      ]);
      return {
        days: [...byDay.entries()].map(([day, counts]) => ({ day, counts })),
        topDomains: domains.map(({ key, count }) => ({ domain: key, count })),
        detectionTypes: types.map(({ key, count }) => ({ type: key, count })),
        topAddresses: addresses.map(({ key, count }) => ({ address: key, count })),
      };
    },
    async warnedDomains(fromDay, toDay, top) {
      const sum = (decision: ActivityDecision) =>
        sql<number>`SUM(CASE WHEN decision = ${decision} THEN count ELSE 0 END)`;
      return db
        .selectFrom('activity_domain_decisions')
        .select(['domain', sum('warned').as('warned'), sum('blocked').as('blocked')])
        .where('day', '>=', fromDay)
        .where('day', '<=', toDay)
        .where('decision', 'in', ['warned', 'blocked'])
        .groupBy('domain')
        .orderBy(sql`SUM(count)`, 'desc')
        .orderBy('domain')
        .limit(top)
        .execute();
    },
    async prune(beforeDay) {
      await db.transaction().execute(async (trx) => {
        for (const table of [...(Object.keys(COUNTED) as CountTable[]), 'activity_domain_decisions'] as const)
          await trx.deleteFrom(table).where('day', '<', beforeDay).execute();
      });
    },
  };
}
