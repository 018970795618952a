import type { DeliveryVerdict } from '../../core/delivery';
import {
  healthEvent,
  SAMPLE_SPACING_MS,
  type HealthRecord,
  type HealthStore,
  type NewAlert,
  type QueuedAlert,
} from './health-store';
import type { AlertOutboxTable, Db, DialectHooks, ForcedTlsHealthTable, Tx } from './schema';

/** Forced-TLS health and the alert outbox (health-store.ts) over either database. */

const toRecord = (row: ForcedTlsHealthTable): HealthRecord => ({
  domain: row.domain,
  state: row.state,
  since: row.since,
  checkedAt: row.checked_at,
  verdict: JSON.parse(row.verdict) as DeliveryVerdict,
  alertedState: row.alerted_state,
  alertedAt: row.alerted_at,
  remindedAt: row.reminded_at,
});

const toQueued = (
  row: Pick<AlertOutboxTable, 'channel' | 'payload' | 'created_at'> & { id: number; attempts: number },
): QueuedAlert => ({
  id: row.id,
  createdAt: row.created_at,
  channel: row.channel,
  payload: JSON.parse(row.payload) as unknown,
  attempts: row.attempts,
});

/** The longest error text kept with a failed alert. */
const MAX_ERROR = 500;

async function insertAlerts(trx: Db | Tx, alerts: readonly NewAlert[], at: number): Promise<void> {
  if (alerts.length === 0) return;
  await trx
    .insertInto('alert_outbox')
    .values(
      alerts.map((alert) => ({
        created_at: at,
        channel: alert.channel,
        payload: JSON.stringify(alert.payload),
        next_attempt_at: at,
        sent_at: null,
        last_error: null,
      })),
    )
    .execute();
}

export function createHealthStore(db: Db, hooks: Pick<DialectHooks, 'dialect'>): HealthStore {
  const postgres = hooks.dialect === 'postgres';
  return {
    recordCheck({ domain, at, verdict }, alertsFor) {
      const state = verdict.state;
      const reasons = JSON.stringify(verdict.reasons);
      return db.transaction().execute(async (trx) => {
        // A first check inserts the row; a later one locks it (PostgreSQL; SQLite has one writer), so checks
        // of one domain are decided one after another and each sees what the one before it told the admin.
        const inserted = await trx
          .insertInto('forced_tls_health')
          .values({
            domain,
            state,
            since: at,
            checked_at: at,
            verdict: JSON.stringify(verdict),
            alerted_state: null,
            alerted_at: null,
            reminded_at: null,
          })
          .onConflict((oc) => oc.column('domain').doNothing())
          .returning('domain')
          .executeTakeFirst();
        const row = inserted
          ? undefined
          : await trx
              .selectFrom('forced_tls_health')
              .selectAll()
              .where('domain', '=', domain)
              .$if(postgres, (query) => query.forUpdate())
              .executeTakeFirstOrThrow();
        const previous = row ? toRecord(row) : null;
        const last = await trx
          .selectFrom('forced_tls_health_samples')
          .select(['at', 'state', 'reasons'])
          .where('domain', '=', domain)
          .orderBy('at', 'desc')
          .limit(1)
          .executeTakeFirst();
        const changed = !last || last.state !== state || last.reasons !== reasons;
        if (changed || at - last.at >= SAMPLE_SPACING_MS)
          await trx
            .insertInto('forced_tls_health_samples')
            .values({ domain, at, state, reasons })
            .onConflict((oc) => oc.columns(['domain', 'at']).doNothing())
            .execute();
        // A check that finished after a newer one was recorded is history, not news.
        if (previous && previous.checkedAt > at) return { previous, current: previous, event: null };
        const event = healthEvent(previous, state, at);
        const current: HealthRecord = {
          domain,
          state,
          since: previous && previous.state === state ? previous.since : at,
          checkedAt: at,
          verdict,
          alertedState: event ? state : (previous?.alertedState ?? null),
          alertedAt: event?.kind === 'changed' ? at : (previous?.alertedAt ?? null),
          remindedAt: event ? at : (previous?.remindedAt ?? null),
        };
        if (previous)
          await trx
            .updateTable('forced_tls_health')
            .set({
              state,
              since: current.since,
              checked_at: at,
              verdict: JSON.stringify(verdict),
              alerted_state: current.alertedState,
              alerted_at: current.alertedAt,
              reminded_at: current.remindedAt,
            })
            .where('domain', '=', domain)
            .execute();
        else if (event)
          await trx
            .updateTable('forced_tls_health')
            .set({ alerted_state: state, alerted_at: at, reminded_at: at })
            .where('domain', '=', domain)
            .execute();
        if (event) await insertAlerts(trx, alertsFor(event, current), at);
        return { previous, current, event };
      });
    },
    async list() {
      const rows = await db.selectFrom('forced_tls_health').selectAll().orderBy('domain').execute();
      return rows.map(toRecord);
    },
    async samples(since, domains) {
      if (domains?.length === 0) return [];
      const rows = await db
        .selectFrom('forced_tls_health_samples')
        .selectAll()
        .where('at', '>=', since)
        .$if(domains !== undefined, (query) => query.where('domain', 'in', domains ?? []))
        .orderBy('at')
        .orderBy('domain')
        .execute();
      return rows.map((row) => ({
        domain: row.domain,
        at: row.at,
        state: row.state,
        reasons: JSON.parse(row.reasons) as DeliveryVerdict['reasons'],
      }));
    },
    async prune(before) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('forced_tls_health_samples').where('at', '<', before).execute();
        await trx.deleteFrom('forced_tls_health').where('checked_at', '<', before).execute();
      });
    },
    enqueueAlerts: (alerts, at) => insertAlerts(db, alerts, at),
    claimAlerts(now, leaseMs, limit) {
      return db.transaction().execute(async (trx) => {
        // PostgreSQL: rows another instance is claiming are skipped rather than waited for; the update's own
        // condition is checked again on the row as it is then, so a row is never claimed twice.
        const due = await trx
          .selectFrom('alert_outbox')
          .select('id')
          .where('next_attempt_at', '<=', now)
          .orderBy('id')
          .limit(limit)
          .$if(postgres, (query) => query.forUpdate().skipLocked())
          .execute();
        if (due.length === 0) return [];
        const rows = await trx
          .updateTable('alert_outbox')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: now + leaseMs }))
          .where(
            'id',
            'in',
            due.map((row) => row.id),
          )
          .where('next_attempt_at', '<=', now)
          .returning(['id', 'created_at', 'channel', 'payload', 'attempts'])
          .execute();
        return rows.map(toQueued).sort((a, b) => a.id - b.id);
      });
    },
    async alertSent(id, at) {
      await db
        .updateTable('alert_outbox')
        .set({ sent_at: at, next_attempt_at: null, last_error: null })
        .where('id', '=', id)
        .execute();
    },
    async alertFailed(id, error, retryAt) {
      await db
        .updateTable('alert_outbox')
        .set({ last_error: error.slice(0, MAX_ERROR), next_attempt_at: retryAt })
        .where('id', '=', id)
        .execute();
    },
  };
}
