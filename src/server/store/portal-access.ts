import { sql } from 'kysely';
import { insertEvent, updateActiveMessage } from './portal-messages';
import type { PortalChallenge, PortalSession, PortalStore } from './portal-store';
import type { Db, DialectHooks, PortalChallengeTable, PortalSessionTable } from './schema';

/**
 * Signing in to the portal (portal-store.ts): challenges, wrong-code counters, lockouts and sessions, over
 * either database. Each "false if already ..." answer comes from one conditional UPDATE and its row count,
 * never from a read followed by a write, so it holds with any number of instances on one database.
 */

type AccessMethods =
  | 'putChallenge'
  | 'getChallenge'
  | 'recordFailure'
  | 'lockThrottle'
  | 'throttleLocked'
  | 'spendChallenge'
  | 'lock'
  | 'createSession'
  | 'getSession'
  | 'markOpened'
  | 'deleteSession'
  | 'prune';

const toChallenge = (
  row: Omit<PortalChallengeTable, 'attempts' | 'spent'> & { attempts: number; spent: number },
): PortalChallenge => ({
  idHash: row.id_hash,
  messageId: row.message_id,
  participant: row.participant,
  codeHash: row.code_hash,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  attempts: row.attempts,
  spent: row.spent === 1,
});

const toSession = (row: PortalSessionTable): PortalSession => ({
  idHash: row.id_hash,
  messageId: row.message_id,
  participant: row.participant,
  role: row.role,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  openedAt: row.opened_at,
});

export function portalAccess(db: Db, hooks: DialectHooks): Pick<PortalStore, AccessMethods> {
  return {
    async putChallenge(c) {
      const columns = {
        message_id: c.messageId,
        participant: c.participant,
        code_hash: c.codeHash,
        created_at: c.createdAt,
        expires_at: c.expiresAt,
        attempts: c.attempts,
        spent: c.spent ? 1 : 0,
      };
      await db
        .insertInto('portal_challenges')
        .values({ id_hash: c.idHash, ...columns })
        .onConflict((oc) => oc.column('id_hash').doUpdateSet(columns))
        .execute();
    },
    async getChallenge(idHash) {
      const row = await db
        .selectFrom('portal_challenges')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row ? toChallenge(row) : null;
    },
    recordFailure(idHash, messageId, participant, at, windowStart, throttles) {
      return db.transaction().execute(async (trx) => {
        // Wrong codes for one message are counted one at a time, so the counts that decide a lockout add up.
        await hooks.lockMessage(trx, messageId);
        const bumped = await trx
          .updateTable('portal_challenges')
          .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('id_hash', '=', idHash)
          .returning('attempts')
          .executeTakeFirst();
        await insertEvent(trx, messageId, { at, kind: 'code-failed', participant, detail: null });
        const recent = await trx
          .selectFrom('portal_events')
          .select(sql<number>`COUNT(*)`.as('n'))
          .where('message_id', '=', messageId)
          .where('kind', '=', 'code-failed')
          .where('participant', 'is not', null)
          .where('at', '>=', windowStart)
          .executeTakeFirst();
        const counts: number[] = [];
        for (const key of throttles) {
          // A counter whose window began before windowStart starts again; SET sees the row as it was.
          const restart = sql<boolean>`portal_throttle.window_start < ${windowStart}`;
          const row = await trx
            .insertInto('portal_throttle')
            .values({ key, message_id: messageId, window_start: at, failures: 1 })
            .onConflict((oc) =>
              oc.column('key').doUpdateSet({
                failures: sql<number>`CASE WHEN ${restart} THEN 1 ELSE portal_throttle.failures + 1 END`,
                window_start: sql<number>`CASE WHEN ${restart} THEN ${at} ELSE portal_throttle.window_start END`,
              }),
            )
            .returning('failures')
            .executeTakeFirst();
          counts.push(row?.failures ?? 0);
        }
        return { attempts: bumped?.attempts ?? 0, recent: recent?.n ?? 0, throttles: counts };
      });
    },
    async lockThrottle(key, messageId, at, until) {
      const result = await db
        .updateTable('portal_throttle')
        .set({ locked_until: until })
        .where('key', '=', key)
        .where('message_id', '=', messageId)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
    async throttleLocked(keys, at) {
      const locked: boolean[] = [];
      for (const key of keys) {
        const row = await db
          .selectFrom('portal_throttle')
          .select('locked_until')
          .where('key', '=', key)
          .executeTakeFirst();
        const until = row?.locked_until ?? null;
        locked.push(until !== null && until > at);
      }
      return locked;
    },
    async spendChallenge(idHash) {
      const result = await db
        .updateTable('portal_challenges')
        .set({ spent: 1 })
        .where('id_hash', '=', idHash)
        .where('spent', '=', 0)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
    lock(messageId, at, until) {
      return updateActiveMessage(db, messageId, { locked_until: until }, (eb) =>
        eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]),
      );
    },
    async createSession(s) {
      await db
        .insertInto('portal_sessions')
        .values({
          id_hash: s.idHash,
          message_id: s.messageId,
          participant: s.participant,
          role: s.role,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          opened_at: null,
        })
        .execute();
    },
    async getSession(idHash) {
      const row = await db
        .selectFrom('portal_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async markOpened(idHash, at) {
      const result = await db
        .updateTable('portal_sessions')
        .set({ opened_at: at })
        .where('id_hash', '=', idHash)
        .where('opened_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
    async deleteSession(idHash) {
      await db.deleteFrom('portal_sessions').where('id_hash', '=', idHash).execute();
    },
    async prune(now, throttleBefore) {
      await db.deleteFrom('portal_challenges').where('expires_at', '<', now).execute();
      await db.deleteFrom('portal_sessions').where('expires_at', '<', now).execute();
      await db
        .deleteFrom('portal_throttle')
        .where('window_start', '<', throttleBefore)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .execute();
    },
  };
}
