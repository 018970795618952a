import type { PortalSession } from '../store/portal-store';
import { openPart, sealPart } from './crypto';
import type { MessageView, ReplyView } from './html';
import { participantAddress, type MessageAccess } from './messages';
import { ReplyDraft, type AttachmentDownload, type LinkContext, type StoredReply } from './model';
import type { Notifications } from './notifications';
import { download, openReplyFile, readReplies } from './replies';

/**
 * A signed-in participant on a link's pages: reading the message, downloading attachments, replying (with
 * files), and downloading the files of replies: the sender any, a recipient their own.
 */
export interface MessageReading {
  view(ctx: LinkContext, session: PortalSession): Promise<MessageView>;
  attachment(ctx: LinkContext, session: PortalSession, index: number): Promise<AttachmentDownload | null>;
  /** Where a reply's files are sealed as they arrive, before reply() stores them with its text. */
  replyDraft(ctx: LinkContext): ReplyDraft;
  reply(ctx: LinkContext, session: PortalSession, text: string, draft?: ReplyDraft): Promise<boolean>;
  replyAttachment(
    ctx: LinkContext,
    session: PortalSession,
    reply: number,
    index: number,
  ): Promise<AttachmentDownload | null>;
}

export function createMessageReading(access: MessageAccess, notifications: Notifications): MessageReading {
  const { store, now, dataKey, envelopeOf } = access;

  return {
    async view(ctx: LinkContext, session: PortalSession): Promise<MessageView> {
      const { message } = ctx;
      const key = dataKey(message);
      const envelope = await envelopeOf(message, key);
      const body = openPart(key, message.id, 'body', await store.readPart(message.id, 'body')).toString(
        'utf8',
      );
      const replies: ReplyView[] = [];
      for (const reply of await readReplies(access, message, key))
        if (session.role === 'sender' || reply.participant === session.participant)
          replies.push({
            id: reply.id,
            from: participantAddress(envelope, reply.participant) ?? '?',
            at: reply.at,
            text: reply.text,
            attachments: (reply.attachments ?? []).map((a, index) => ({ index, name: a.name, size: a.size })),
          });
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
      return download(access, message, key, `att:${index}`, meta, session.participant, { attachment: index });
    },

    replyDraft(ctx: LinkContext): ReplyDraft {
      return new ReplyDraft(ctx.message.id, dataKey(ctx.message));
    },

    async reply(
      ctx: LinkContext,
      session: PortalSession,
      text: string,
      draft: ReplyDraft = new ReplyDraft(ctx.message.id, dataKey(ctx.message)),
    ): Promise<boolean> {
      const { message } = ctx;
      if (session.role !== 'recipient') return false;
      const at = now();
      const files = draft.files;
      const stored: StoredReply = { participant: session.participant, at, text, attachments: files };
      const { part, dataKey: key } = draft;
      const chunks = [
        ...sealPart(key, message.id, part, Buffer.from(JSON.stringify(stored), 'utf8')).map((data, seq) => ({
          part,
          seq,
          data,
        })),
        ...draft.chunks(),
      ];
      key.fill(0);
      const added = await store.addReply(
        message.id,
        { part, chunks, files: files.length },
        session.participant,
        at,
      );
      if (added === null) return false;
      notifications.replyNotice(message, session.participant, files.length);
      return true;
    },

    replyAttachment(
      ctx: LinkContext,
      session: PortalSession,
      reply: number,
      index: number,
    ): Promise<AttachmentDownload | null> {
      const { participant, role } = session;
      return openReplyFile(access, ctx.message, reply, index, participant, (stored) =>
        role === 'sender' ? true : stored.participant === participant,
      );
    },
  };
}
