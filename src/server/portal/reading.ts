import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors';
import type { PortalSession } from '../store/portal-store';
import { openChunk, openPart, sealPart } from './crypto';
import type { MessageView, ReplyView } from './html';
import { participantAddress, type MessageAccess } from './messages';
import type { AttachmentDownload, LinkContext, StoredReply } from './model';
import type { Notifications } from './notifications';

/** A signed-in participant on a link's pages: reading the message, downloading attachments, replying. */
export interface MessageReading {
  view(ctx: LinkContext, session: PortalSession): Promise<MessageView>;
  attachment(ctx: LinkContext, session: PortalSession, index: number): Promise<AttachmentDownload | null>;
  reply(ctx: LinkContext, session: PortalSession, text: string): Promise<boolean>;
}

export function createMessageReading(access: MessageAccess, notifications: Notifications): MessageReading {
  const { store, now, dataKey, readJson, envelopeOf } = access;

  return {
    async view(ctx: LinkContext, session: PortalSession): Promise<MessageView> {
      const { message } = ctx;
      const key = dataKey(message);
      const envelope = await envelopeOf(message, key);
      const body = openPart(key, message.id, 'body', await store.readPart(message.id, 'body')).toString(
        'utf8',
      );
      const replies: ReplyView[] = [];
      for (const part of await store.partNames(message.id, 'reply:')) {
        const reply = await readJson<StoredReply>(message, key, part);
        if (session.role === 'sender' || reply.participant === session.participant)
          replies.push({
            from: participantAddress(envelope, reply.participant) ?? '?',
            at: reply.at,
            text: reply.text,
          });
      }
      if (await store.markOpened(session.idHash, now()))
        await store.addEvent(message.id, {
          at: now(),
          kind: 'opened',
          participant: session.participant,
          detail: null,
        });
      return {
        role: session.role,
        subject: envelope.subject,
        senderEmail: envelope.senderEmail,
        createdAt: message.createdAt,
        expiresAt: message.expiresAt,
        html: envelope.format === 'html' ? body : null,
        text: envelope.format === 'text' ? body : '',
        attachments: envelope.attachments.map((a, index) => ({ index, name: a.name, size: a.size })),
        replies,
      };
    },

    /** An attachment's name, type and size, and its plaintext chunk by chunk (each one authenticated). */
    async attachment(
      ctx: LinkContext,
      session: PortalSession,
      index: number,
    ): Promise<AttachmentDownload | null> {
      const { message } = ctx;
      const key = dataKey(message);
      const meta = (await envelopeOf(message, key)).attachments[index];
      if (!meta) return null;
      const part = `att:${index}`;
      const count = await store.chunkCount(message.id, part);
      if (count === 0) return null;
      await store.addEvent(message.id, {
        at: now(),
        kind: 'downloaded',
        participant: session.participant,
        detail: { attachment: index },
      });
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let seq = 0; seq < count; seq++) {
          const box = await store.getChunk(message.id, part, seq);
          if (!box) throw new ApiError('MESSAGE_CLOSED', 'The message was closed during the download.');
          yield openChunk(key, message.id, part, seq, seq === count - 1, box);
        }
      }
      return { ...meta, chunks: chunks() };
    },

    async reply(ctx: LinkContext, session: PortalSession, text: string): Promise<boolean> {
      const { message } = ctx;
      if (session.role !== 'recipient') return false;
      const key = dataKey(message);
      const at = now();
      const part = `reply:${randomUUID()}`;
      const stored: StoredReply = { participant: session.participant, at, text };
      const chunks = sealPart(key, message.id, part, Buffer.from(JSON.stringify(stored), 'utf8')).map(
        (data, seq) => ({
          part,
          seq,
          data,
        }),
      );
      if (!(await store.addReply(message.id, chunks, session.participant, at))) return false;
      notifications.replyNotice(message, session.participant);
      return true;
    },
  };
}
