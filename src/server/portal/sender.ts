import type { PortalMessage, PortalParticipant } from '../store/portal-store';
import { ApiError } from '../errors';
import { sealPart } from './crypto';
import { wrapDataKey } from './keys';
import { accessCodeHash, addressHash, participantAddress, type MessageAccess } from './messages';
import {
  DAY_MS,
  Draft,
  newToken,
  normalizeAddress,
  PORTAL_LIMITS,
  tokenHash,
  type AuditEntry,
  type Envelope,
  type MessageStatus,
  type MessageSummary,
  type NewMessage,
  type AttachmentDownload,
  type SenderReply,
} from './model';
import { openReplyFile, readReplies } from './replies';
import { sanitizeBody } from './sanitize';

/** The sender's side of the portal, through the API: create, list, read the log and replies, revoke, extend. */
export interface SenderActions {
  draft(): Draft;
  commit(draft: Draft, input: NewMessage): Promise<{ id: string; link: string; expiresAt: number }>;
  list(sender: string, limit: number): Promise<MessageSummary[]>;
  get(sender: string, id: string): Promise<MessageSummary>;
  audit(sender: string, id: string, limit: number): Promise<AuditEntry[]>;
  replies(sender: string, id: string): Promise<SenderReply[]>;
  /** File `index` of reply `reply`; null when there is no such reply or file. */
  replyFile(sender: string, id: string, reply: number, index: number): Promise<AttachmentDownload | null>;
  revoke(sender: string, id: string): Promise<MessageSummary>;
  extend(sender: string, id: string, expiresAt: number): Promise<MessageSummary>;
  /** Whether `link` is a recipient link of an active message of `sender` (the on-send check asks). */
  linkIsLive(sender: string, link: string): Promise<boolean>;
}

export function createSenderActions(access: MessageAccess): SenderActions {
  const { store, keys, now, dataKey, envelopeOf, expireIfDue, link, resolve } = access;

  async function ownMessage(sender: string, id: string): Promise<PortalMessage> {
    const message = await store.getMessage(id);
    // Someone else's message is answered like a missing one.
    if (!message || message.sender !== sender) throw new ApiError('NOT_FOUND', 'No such portal message.');
    return expireIfDue(message);
  }

  async function summary(message: PortalMessage): Promise<MessageSummary> {
    const opens = await store.opens(message.id);
    let envelope: Envelope | null = null;
    if (message.state === 'active') {
      try {
        envelope = await envelopeOf(message, dataKey(message));
      } catch (error) {
        // Closed meanwhile, or no master key unwraps it: listed without subject and addresses.
        if (!(error instanceof ApiError)) throw error;
      }
    }
    const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
    const status: MessageStatus =
      message.state !== 'active'
        ? message.state
        : opens.some((open) => open.participant > 0)
          ? 'opened'
          : 'delivered';
    return {
      id: message.id,
      status,
      createdAt: new Date(message.createdAt).toISOString(),
      expiresAt: new Date(message.expiresAt).toISOString(),
      maxExpiresAt: new Date(message.maxExpiresAt).toISOString(),
      closedAt: iso(message.closedAt),
      subject: envelope?.subject ?? null,
      verification: message.method,
      attachments: message.attachments,
      replies: message.replies,
      lockedUntil:
        message.lockedUntil !== null && message.lockedUntil > now() ? iso(message.lockedUntil) : null,
      recipients: Array.from({ length: message.recipients }, (_, i) => {
        const open = opens.find((o) => o.participant === i + 1);
        return {
          address: envelope?.recipients[i]?.email ?? null,
          firstOpenedAt: iso(open?.first ?? null),
          lastOpenedAt: iso(open?.last ?? null),
        };
      }),
    };
  }

  return {
    draft(): Draft {
      return new Draft({ bytes: PORTAL_LIMITS.attachmentBytes, count: PORTAL_LIMITS.attachments });
    },

    async commit(draft: Draft, input: NewMessage): Promise<{ id: string; link: string; expiresAt: number }> {
      // The route has checked it against the policy; this keeps a caller that did not from storing more.
      if (input.expiresInDays > input.maxExpiryDays)
        throw new ApiError(
          'VALIDATION_FAILED',
          `message.expiresInDays: the organisation's policy allows at most ${input.maxExpiryDays} days.`,
        );
      const createdAt = now();
      const master = keys.current;
      const id = draft.id;
      const key = draft.dataKey;
      const seen = new Set<string>();
      const recipients = input.recipients.filter((r) => {
        const normal = normalizeAddress(r.email);
        if (seen.has(normal)) return false;
        seen.add(normal);
        return true;
      });
      const envelope: Envelope = {
        v: 1,
        senderEmail: input.senderEmail.trim(),
        language: input.language,
        subject: input.subject,
        format: input.format,
        recipients: recipients.map((r) => ({
          email: r.email.trim(),
          ...(r.phone ? { phone: r.phone } : {}),
        })),
        attachments: draft.attachments.map((a) => ({ name: a.name, type: a.type, size: a.sealer.bytes })),
      };
      // Sanitized once, as stored, rather than on every view; the pages' CSP, which runs no script at all,
      // is the second line. The original HTML is not kept.
      const body = input.format === 'html' ? sanitizeBody(input.body) : input.body;
      const chunks = [
        ...sealPart(key, id, 'envelope', Buffer.from(JSON.stringify(envelope), 'utf8')).map((data, seq) => ({
          part: 'envelope',
          seq,
          data,
        })),
        ...sealPart(key, id, 'body', Buffer.from(body, 'utf8')).map((data, seq) => ({
          part: 'body',
          seq,
          data,
        })),
        ...draft.attachments.flatMap((a, n) =>
          a.sealer.finish().map((data, seq) => ({ part: `att:${n}`, seq, data })),
        ),
      ];
      const participants: PortalParticipant[] = [
        { index: 0, role: 'sender', addressHash: addressHash(master, id, input.senderEmail) },
        ...recipients.map((r, i): PortalParticipant => ({
          index: i + 1,
          role: 'recipient',
          addressHash: addressHash(master, id, r.email),
        })),
      ];
      const token = newToken();
      const expiresAt = createdAt + input.expiresInDays * DAY_MS;
      await store.createMessage({
        message: {
          id,
          sender: input.sender,
          createdAt,
          expiresAt,
          maxExpiresAt: createdAt + input.maxExpiryDays * DAY_MS,
          state: 'active',
          keyId: master.id,
          wrappedKey: wrapDataKey(master, id, key),
          method: input.verification.method,
          accessCodeHash:
            input.verification.method === 'access-code'
              ? accessCodeHash(master, id, input.verification.accessCode)
              : null,
          recipients: recipients.length,
          attachments: draft.attachments.length,
          replies: 0,
          lockedUntil: null,
          closedAt: null,
        },
        participants,
        tokenHash: tokenHash(token),
        chunks,
      });
      // The data key leaves memory with the draft; only its wrapped form is kept.
      key.fill(0);
      return { id, link: link(token), expiresAt };
    },

    async list(sender: string, limit: number): Promise<MessageSummary[]> {
      const messages = await store.listMessages(sender, limit);
      const out: MessageSummary[] = [];
      for (const message of messages) out.push(await summary(await expireIfDue(message)));
      return out;
    },

    async get(sender: string, id: string): Promise<MessageSummary> {
      return summary(await ownMessage(sender, id));
    },

    async audit(sender: string, id: string, limit: number): Promise<AuditEntry[]> {
      const message = await ownMessage(sender, id);
      let envelope: Envelope | null = null;
      if (message.state === 'active') envelope = await envelopeOf(message, dataKey(message));
      return (await store.events(message.id, limit)).map((e) => ({
        at: new Date(e.at).toISOString(),
        kind: e.kind,
        participant: e.participant,
        address: participantAddress(envelope, e.participant),
        detail: e.detail,
      }));
    },

    async replies(sender: string, id: string): Promise<SenderReply[]> {
      const message = await ownMessage(sender, id);
      const key = dataKey(message);
      const envelope = await envelopeOf(message, key);
      return (await readReplies(access, message, key)).map((reply) => ({
        id: reply.id,
        from: participantAddress(envelope, reply.participant),
        participant: reply.participant,
        at: new Date(reply.at).toISOString(),
        text: reply.text,
        attachments: (reply.attachments ?? []).map((a, index) => ({ index, name: a.name, size: a.size })),
      }));
    },

    async replyFile(
      sender: string,
      id: string,
      reply: number,
      index: number,
    ): Promise<AttachmentDownload | null> {
      const message = await ownMessage(sender, id);
      return openReplyFile(access, message, reply, index, 0, () => true);
    },

    async revoke(sender: string, id: string): Promise<MessageSummary> {
      const message = await ownMessage(sender, id);
      if (message.state === 'active') await store.close(message.id, 'revoked', now(), 0);
      return summary((await store.getMessage(message.id)) ?? message);
    },

    async extend(sender: string, id: string, expiresAt: number): Promise<MessageSummary> {
      const message = await ownMessage(sender, id);
      if (message.state !== 'active')
        throw new ApiError('MESSAGE_CLOSED', `The message is ${message.state}; it cannot be extended.`);
      // The cap was fixed when the message was sent: a later policy change does not move it either way.
      const max = message.maxExpiresAt;
      if (expiresAt > max)
        throw new ApiError(
          'VALIDATION_FAILED',
          `The organisation's policy lets this message be available for at most ${Math.round((max - message.createdAt) / DAY_MS)} days after it was sent (until ${new Date(max).toISOString()}).`,
        );
      if (expiresAt <= now())
        throw new ApiError(
          'VALIDATION_FAILED',
          'The new expiry must be in the future; revoke the message to end it now.',
        );
      if (!(await store.setExpiry(message.id, expiresAt, now())))
        throw new ApiError('MESSAGE_CLOSED', 'The message has just expired or been revoked.');
      await store.addEvent(message.id, {
        at: now(),
        kind: 'extended',
        participant: 0,
        detail: { expiresAt: new Date(expiresAt).toISOString() },
      });
      return summary((await store.getMessage(message.id)) ?? message);
    },

    async linkIsLive(sender: string, given: string): Promise<boolean> {
      const prefix = link('');
      if (!given.startsWith(prefix)) return false;
      const ctx = await resolve(given.slice(prefix.length));
      // A sender link (from a reply notice) is never what a notice to recipients carries.
      return ctx !== null && ctx.role === 'recipient' && ctx.message.sender === sender;
    },
  };
}
