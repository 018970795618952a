import { sql, type ExpressionOrFactory, type SqlBool, type UpdateObject } from 'kysely';
import type { PortalEvent, PortalEventKind, PortalMessage, PortalStore } from './portal-store';
import type { Database, Db, DialectHooks, PortalEventTable, PortalMessageTable, Tx } from './schema';

/** The portal's messages, their parts, replies and audit events (portal-store.ts), over either database. */

type MessageRow = Omit<PortalMessageTable, 'replies'> & {
  replies: number;
  /** From portal_expiry_caps; null only if that row were missing. */
  max_expires_at: number | null;
};

const toMessage = (row: MessageRow): PortalMessage => ({
  id: row.id,
  sender: row.sender,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  // Without its cap row (never expected) a message cannot be extended: the stricter reading.
  maxExpiresAt: row.max_expires_at ?? row.expires_at,
  state: row.state,
  keyId: row.key_id,
  wrappedKey: row.wrapped_key,
  method: row.method,
  accessCodeHash: row.access_code_hash,
  recipients: row.recipients,
  attachments: row.attachments,
  replies: row.replies,
  lockedUntil: row.locked_until,
  closedAt: row.closed_at,
});

const toEvent = (row: Pick<PortalEventTable, 'at' | 'kind' | 'participant' | 'detail'>): PortalEvent => ({
  at: row.at,
  kind: row.kind as PortalEventKind,
  participant: row.participant,
  detail: row.detail ? (JSON.parse(row.detail) as PortalEvent['detail']) : null,
});

/** Records an audit event (inside the caller's transaction, when it has one). */
export async function insertEvent(trx: Db | Tx, messageId: string, e: PortalEvent): Promise<void> {
  await trx
    .insertInto('portal_events')
    .values({
      message_id: messageId,
      at: e.at,
      kind: e.kind,
      participant: e.participant,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}

/**
 * Updates a message only while it is active (and `also` holds); whether it did. One conditional UPDATE, so the
 * answer holds with any number of instances on one database; on PostgreSQL it also locks the row.
 */
export async function updateActiveMessage(
  trx: Db | Tx,
  messageId: string,
  set: UpdateObject<Database, 'portal_messages'>,
  also?: ExpressionOrFactory<Database, 'portal_messages', SqlBool>,
): Promise<boolean> {
  const update = trx
    .updateTable('portal_messages')
    .set(set)
    .where('id', '=', messageId)
    .where('state', '=', 'active');
  const result = await (also ? update.where(also) : update).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Tables holding a message's secrets and per-message state, deleted when it closes. */
const PER_MESSAGE = [
  'portal_chunks',
  'portal_participants',
  'portal_links',
  'portal_challenges',
  'portal_sessions',
  'portal_throttle',
  'portal_replies',
] as const;

type MessageMethods =
  | 'createMessage'
  | 'getMessage'
  | 'listMessages'
  | 'findLink'
  | 'addLink'
  | 'participants'
  | 'chunkCount'
  | 'getChunk'
  | 'readPart'
  | 'replies'
  | 'addReply'
  | 'addEvent'
  | 'events'
  | 'countEvents'
  | 'opens'
  | 'setExpiry'
  | 'close'
  | 'dueForExpiry';

export function portalMessages(db: Db, hooks: DialectHooks): Pick<PortalStore, MessageMethods> {
  const messages = (from: Db) =>
    from
      .selectFrom('portal_messages as m')
      .leftJoin('portal_expiry_caps as c', 'c.message_id', 'm.id')
      .selectAll('m')
      .select('c.max_expires_at');

  return {
    async createMessage(input) {
      const m = input.message;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('portal_messages')
          .values({
            id: m.id,
            sender: m.sender,
            created_at: m.createdAt,
            expires_at: m.expiresAt,
            state: 'active',
            key_id: m.keyId,
            wrapped_key: m.wrappedKey,
            method: m.method,
            access_code_hash: m.accessCodeHash,
            recipients: m.recipients,
            attachments: m.attachments,
          })
          .execute();
        await trx
          .insertInto('portal_expiry_caps')
          .values({ message_id: m.id, max_expires_at: m.maxExpiresAt })
          .execute();
        if (input.participants.length > 0)
          await trx
            .insertInto('portal_participants')
            .values(
              input.participants.map((p) => ({
                message_id: m.id,
                idx: p.index,
                role: p.role,
                address_hash: p.addressHash,
              })),
            )
            .execute();
        await trx
          .insertInto('portal_links')
          .values({
            token_hash: input.tokenHash,
            message_id: m.id,
            role: 'recipient',
            created_at: m.createdAt,
          })
          .execute();
        // One statement per chunk: a chunk is up to 1 MiB, and a statement of many would be that many times larger.
        for (const chunk of input.chunks)
          await trx
            .insertInto('portal_chunks')
            .values({ message_id: m.id, part: chunk.part, seq: chunk.seq, data: chunk.data })
            .execute();
        await insertEvent(trx, m.id, { at: m.createdAt, kind: 'created', participant: 0, detail: null });
      });
    },
    async getMessage(id) {
      const row = await messages(db).where('m.id', '=', id).executeTakeFirst();
      return row ? toMessage(row) : null;
    },
    async listMessages(sender, limit) {
      const rows = await messages(db)
        .where('m.sender', '=', sender)
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },
    async findLink(tokenHash) {
      const row = await db
        .selectFrom('portal_links')
        .select(['message_id', 'role'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? { messageId: row.message_id, role: row.role } : null;
    },
    async addLink(tokenHash, messageId, role, at) {
      await db
        .insertInto('portal_links')
        .values({ token_hash: tokenHash, message_id: messageId, role, created_at: at })
        .execute();
    },
    async participants(messageId) {
      const rows = await db
        .selectFrom('portal_participants')
        .select(['idx', 'role', 'address_hash'])
        .where('message_id', '=', messageId)
        .orderBy('idx')
        .execute();
      return rows.map((row) => ({ index: row.idx, role: row.role, addressHash: row.address_hash }));
    },
    async chunkCount(messageId, part) {
      const row = await db
        .selectFrom('portal_chunks')
        .select(sql<number>`COUNT(*)`.as('n'))
        .where('message_id', '=', messageId)
        .where('part', '=', part)
        .executeTakeFirst();
      return row?.n ?? 0;
    },
    async getChunk(messageId, part, seq) {
      const row = await db
        .selectFrom('portal_chunks')
        .select('data')
        .where('message_id', '=', messageId)
        .where('part', '=', part)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return row?.data ?? null;
    },
    async readPart(messageId, part) {
      const rows = await db
        .selectFrom('portal_chunks')
        .select('data')
        .where('message_id', '=', messageId)
        .where('part', '=', part)
        .orderBy('seq')
        .execute();
      return rows.map((row) => row.data);
    },
    async replies(messageId) {
      return db
        .selectFrom('portal_replies')
        .select(['number as id', 'part'])
        .where('message_id', '=', messageId)
        .orderBy('number')
        .execute();
    },
    addReply(messageId, added, participant, at) {
      return db.transaction().execute(async (trx) => {
        // Counting first also locks the message row on PostgreSQL, so replies arriving at once number in turn.
        const counted = await updateActiveMessage(trx, messageId, {
          replies: (eb) => eb('replies', '+', 1),
        });
        if (!counted) return null;
        for (const chunk of added.chunks)
          await trx
            .insertInto('portal_chunks')
            .values({ message_id: messageId, part: chunk.part, seq: chunk.seq, data: chunk.data })
            .execute();
        const last = await trx
          .selectFrom('portal_replies')
          .select(sql<number | null>`MAX(number)`.as('n'))
          .where('message_id', '=', messageId)
          .executeTakeFirst();
        const number = (last?.n ?? 0) + 1;
        await trx
          .insertInto('portal_replies')
          .values({ message_id: messageId, number, part: added.part })
          .execute();
        await insertEvent(trx, messageId, {
          at,
          kind: 'replied',
          participant,
          detail: { reply: number, attachments: added.files },
        });
        return number;
      });
    },
    async addEvent(messageId, e) {
      await insertEvent(db, messageId, e);
    },
    async events(messageId, limit) {
      const rows = await db
        .selectFrom('portal_events')
        .select(['at', 'kind', 'participant', 'detail'])
        .where('message_id', '=', messageId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },
    async countEvents(messageId, kind, since) {
      const row = await db
        .selectFrom('portal_events')
        .select(sql<number>`COUNT(*)`.as('n'))
        .where('message_id', '=', messageId)
        .where('kind', '=', kind)
        .where('at', '>=', since)
        .executeTakeFirst();
      return row?.n ?? 0;
    },
    async opens(messageId) {
      const rows = await db
        .selectFrom('portal_events')
        .select(['participant', sql<number>`MIN(at)`.as('first'), sql<number>`MAX(at)`.as('last')])
        .where('message_id', '=', messageId)
        .where('kind', '=', 'opened')
        .where('participant', 'is not', null)
        .groupBy('participant')
        .orderBy('participant')
        .execute();
      return rows.flatMap((row) =>
        row.participant === null ? [] : [{ participant: row.participant, first: row.first, last: row.last }],
      );
    },
    setExpiry(messageId, expiresAt, at) {
      return updateActiveMessage(db, messageId, { expires_at: expiresAt }, (eb) => eb('expires_at', '>', at));
    },
    async close(messageId, state, at, participant) {
      const closed = await db.transaction().execute(async (trx) => {
        const updated = await updateActiveMessage(trx, messageId, {
          state,
          closed_at: at,
          key_id: null,
          wrapped_key: null,
          access_code_hash: null,
          locked_until: null,
        });
        if (!updated) return false;
        for (const table of PER_MESSAGE)
          await trx.deleteFrom(table).where('message_id', '=', messageId).execute();
        await insertEvent(trx, messageId, { at, kind: state, participant, detail: null });
        return true;
      });
      if (closed) await hooks.afterClose();
      return closed;
    },
    async dueForExpiry(now, limit) {
      const rows = await db
        .selectFrom('portal_messages')
        .select('id')
        .where('state', '=', 'active')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },
  };
}
