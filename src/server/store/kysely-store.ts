import { sql } from 'kysely';
import { upgradeForcedTls } from '../../contract/policy';
import type { OrgPolicy } from '../../core/policy';
import { createActivityStore } from './activity-queries';
import { createHealthStore } from './health-queries';
import { createPortalStore } from './portal-queries';
import type { Db, DialectHooks, PolicyAuditTable, PolicyTable, ReportTable } from './schema';
import type { PolicyAuditEntry, PolicyChange, Store, StoredPolicy, StoredReport } from './store';

/**
 * The store, written once over Kysely for both SQLite (sqlite.ts) and PostgreSQL (postgres.ts). Whatever must
 * hold with several instances on one database is a single conditional statement or runs in a transaction.
 */

const toStoredReport = (row: ReportTable): StoredReport => ({
  domain: row.domain,
  json: row.report,
  checkedAt: row.checked_at,
  expiresAt: row.expires_at,
  staleUntil: row.stale_until,
});

/** A kept policy, its forced-TLS entries upgraded from plain strings when it predates levels. */
function storedPolicy(body: string): OrgPolicy {
  const policy = JSON.parse(body) as OrgPolicy;
  return {
    ...policy,
    forcedTlsDomains: upgradeForcedTls(policy.forcedTlsDomains) as OrgPolicy['forcedTlsDomains'],
  };
}

const toStoredPolicy = (row: Omit<PolicyTable, 'id'>): StoredPolicy => ({
  policy: storedPolicy(row.body),
  version: row.version,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

const toAuditEntry = (row: Omit<PolicyAuditTable, 'body'>): PolicyAuditEntry => ({
  version: row.version,
  at: row.at,
  actor: row.actor,
  changes: JSON.parse(row.changes) as PolicyChange[],
  note: row.note,
});

/** A past version, as the policy it was then. */
const toVersionedPolicy = (
  row: Pick<PolicyAuditTable, 'version' | 'at' | 'actor' | 'body'>,
): StoredPolicy => ({
  policy: storedPolicy(row.body),
  version: row.version,
  updatedAt: row.at,
  updatedBy: row.actor,
});

/** How long /readyz waits for the database. */
const PING_TIMEOUT_MS = 5_000;

/** Reports past their stale window are useless; they are dropped every this many writes rather than on a timer. */
const PRUNE_EVERY = 500;

export function createKyselyStore(db: Db, hooks: DialectHooks): Store {
  let writes = 0;
  let closed = false;
  return {
    dialect: hooks.dialect,
    portal: createPortalStore(db, hooks),
    activity: createActivityStore(db),
    health: createHealthStore(db, hooks),
    async getReport(domain) {
      const row = await db
        .selectFrom('domain_reports')
        .selectAll()
        .where('domain', '=', domain)
        .executeTakeFirst();
      return row ? toStoredReport(row) : null;
    },
    async putReport(report) {
      const row = {
        domain: report.domain,
        report: report.json,
        checked_at: report.checkedAt,
        expires_at: report.expiresAt,
        stale_until: report.staleUntil,
      };
      await db
        .insertInto('domain_reports')
        .values(row)
        .onConflict((oc) =>
          oc.column('domain').doUpdateSet({
            report: row.report,
            checked_at: row.checked_at,
            expires_at: row.expires_at,
            stale_until: row.stale_until,
          }),
        )
        .execute();
      if (++writes % PRUNE_EVERY === 0)
        await db.deleteFrom('domain_reports').where('stale_until', '<', Date.now()).execute();
    },
    async getPolicy() {
      const row = await db
        .selectFrom('policy')
        .select(['version', 'body', 'updated_at', 'updated_by'])
        .where('id', '=', 1)
        .executeTakeFirst();
      return row ? toStoredPolicy(row) : null;
    },
    putPolicy(policy, expectedVersion, actor, changes, note) {
      const row = { version: expectedVersion + 1, body: JSON.stringify(policy), at: Date.now(), actor };
      return db.transaction().execute(async (trx) => {
        // One conditional statement decides, so of two instances saving at once exactly one wins.
        const written =
          expectedVersion === 0
            ? await trx
                .insertInto('policy')
                .values({ id: 1, version: 1, body: row.body, updated_at: row.at, updated_by: actor })
                .onConflict((oc) => oc.column('id').doNothing())
                .returning('version')
                .executeTakeFirst()
            : await trx
                .updateTable('policy')
                .set({ version: row.version, body: row.body, updated_at: row.at, updated_by: actor })
                .where('id', '=', 1)
                .where('version', '=', expectedVersion)
                .returning('version')
                .executeTakeFirst();
        if (!written) {
          const current = await trx
            .selectFrom('policy')
            .select('version')
            .where('id', '=', 1)
            .executeTakeFirst();
          return { ok: false, currentVersion: current?.version ?? 0 };
        }
        await trx
          .insertInto('policy_audit')
          .values({ ...row, changes: JSON.stringify(changes), note: note ?? null })
          .execute();
        return { ok: true, stored: { policy, version: row.version, updatedAt: row.at, updatedBy: actor } };
      });
    },
    async policyAudit(limit) {
      const rows = await db
        .selectFrom('policy_audit')
        .select(['version', 'at', 'actor', 'changes', 'note'])
        .orderBy('version', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toAuditEntry);
    },
    async policyVersion(version) {
      const row = await db
        .selectFrom('policy_audit')
        .select(['version', 'at', 'actor', 'body'])
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? toVersionedPolicy(row) : null;
    },
    async ping() {
      if (closed) throw new Error('the store is closed');
      // A database that does not answer in time is not ready, rather than a readiness check that hangs.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`the database did not answer within ${PING_TIMEOUT_MS} ms`));
        }, PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([sql`SELECT 1`.execute(db), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      await db.destroy();
      hooks.release();
    },
  };
}
