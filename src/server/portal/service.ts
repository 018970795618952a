import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type {
  PortalEvent,
  PortalMessage,
  PortalMethod,
  PortalParticipant,
  PortalRole,
  PortalSession,
  PortalStore,
} from '../store/portal-store';
import { mac, newDataKey, openChunk, openPart, PartSealer, sameBytes, sealPart } from './crypto';
import { formatDate, STRINGS, type Lang } from './i18n';
import { unwrapDataKey, wrapDataKey, type KeyRing, type MasterKey } from './keys';
import type { Mailer } from './mailer';
import { sanitizeBody } from './sanitize';
import type { SmsProvider } from './sms';
import type { MessageView, ReplyView } from './html';

/** The portal's rules (README "Secure portal"). */
export const PORTAL_LIMITS = {
  /** All attachments of one message together. */
  attachmentBytes: 25 * 1024 * 1024,
  attachments: 20,
  attachmentName: 200,
  subject: 998,
  /** The body as sent in the `message` field (HTML or text). */
  bodyBytes: 2 * 1024 * 1024,
  recipients: 50,
  replyChars: 20_000,
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRY_DAYS = 14;
export const MAX_EXPIRY_DAYS = 90;
export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_ATTEMPTS = 5;
export const LOCK_FAILURES = 10;
export const LOCK_WINDOW_MS = 60 * 60 * 1000;
export const LOCK_MS = 60 * 60 * 1000;
/**
 * Wrong codes on one link per window, from anyone, after which every wrong code is answered as locked
 * (right codes still work): addresses that are not recipients cannot lock the recipients out.
 */
export const LINK_FAILURES = 50;
export const SESSION_TTL_MS = 30 * 60 * 1000;
/** Codes sent per message per hour, whatever the addresses: no one can mail-bomb a recipient through us. */
export const CODES_PER_HOUR = 10;

export interface NewMessage {
  /** The sender's identity subject. */
  sender: string;
  senderEmail: string;
  subject: string;
  format: 'html' | 'text';
  body: string;
  recipients: Array<{ email: string; phone?: string | undefined }>;
  expiresInDays: number;
  verification:
    { method: 'email-code' } | { method: 'sms-code' } | { method: 'access-code'; accessCode: string };
  language: Lang;
}

interface Envelope {
  v: 1;
  senderEmail: string;
  language: Lang;
  subject: string;
  format: 'html' | 'text';
  recipients: Array<{ email: string; phone?: string }>;
  attachments: Array<{ name: string; type: string; size: number }>;
}

interface StoredReply {
  participant: number;
  at: number;
  text: string;
}

/** A message being uploaded: attachments are sealed as they stream in, under a key made for it. */
export class Draft {
  readonly id = randomUUID();
  readonly dataKey = newDataKey();
  readonly attachments: Array<{ name: string; type: string; sealer: PartSealer }> = [];

  constructor(private readonly limits: { bytes: number; count: number }) {}

  get bytes(): number {
    return this.attachments.reduce((sum, a) => sum + a.sealer.bytes, 0);
  }

  /** A sealer for the next attachment, or null when there would be too many. */
  addAttachment(name: string, type: string): PartSealer | null {
    if (this.attachments.length >= this.limits.count) return null;
    const sealer = new PartSealer(this.dataKey, this.id, `att:${this.attachments.length}`);
    this.attachments.push({ name, type, sealer });
    return sealer;
  }
}

export type MessageStatus = 'delivered' | 'opened' | 'revoked' | 'expired';

export interface MessageSummary {
  id: string;
  status: MessageStatus;
  createdAt: string;
  expiresAt: string;
  /** The latest expiry an extension may set (90 days after creation). */
  maxExpiresAt: string;
  closedAt: string | null;
  subject: string | null;
  verification: PortalMethod;
  attachments: number;
  replies: number;
  lockedUntil: string | null;
  /** Null addresses once the message is closed: they were only kept inside it. */
  recipients: Array<{ address: string | null; firstOpenedAt: string | null; lastOpenedAt: string | null }>;
}

export interface AuditEntry {
  at: string;
  kind: PortalEvent['kind'];
  /** 0 is the sender, 1.. the recipients in the order given; null when unknown (a wrong address). */
  participant: number | null;
  address: string | null;
  detail: PortalEvent['detail'];
}

/** An opened link: which message, and whether it admits recipients or the sender. */
export interface LinkContext {
  message: PortalMessage;
  role: PortalRole;
}

export type StartResult = 'sent' | 'locked' | 'unavailable';
export type VerifyResult =
  | { ok: true; sessionId: string }
  | { ok: false; reason: 'wrong' | 'void' | 'restart' | 'locked' | 'unavailable' };

export class PortalError extends Error {
  constructor(
    readonly kind: 'not-found' | 'closed' | 'invalid' | 'not-configured' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

export interface PortalServiceDeps {
  store: PortalStore;
  keys: KeyRing;
  mailer: Mailer | null;
  sms: SmsProvider | null;
  publicUrl: string;
  log: FastifyBaseLogger;
  now?: () => number;
}

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

export function normalizeAddress(address: string): string {
  return address.trim().normalize('NFC').toLowerCase();
}

export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function tokenHash(token: string): Buffer {
  return sha256(`portal-link\0${token}`);
}

export function secretHash(secret: string): Buffer {
  return sha256(`portal-secret\0${secret}`);
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface PortalService {
  /** Resolves once mail and SMS sent in the background have gone (or failed). */
  idle(): Promise<void>;
  /** Whether a verification method can be offered with this server's mail and SMS set-up. */
  canVerifyWith(method: PortalMethod): boolean;
  draft(): Draft;
  commit(draft: Draft, input: NewMessage): Promise<{ id: string; link: string; expiresAt: number }>;
  list(sender: string, limit: number): Promise<MessageSummary[]>;
  get(sender: string, id: string): Promise<MessageSummary>;
  audit(sender: string, id: string, limit: number): Promise<AuditEntry[]>;
  replies(sender: string, id: string): Promise<SenderReply[]>;
  revoke(sender: string, id: string): Promise<MessageSummary>;
  extend(sender: string, id: string, expiresAt: number): Promise<MessageSummary>;
  /** Whether `link` is a recipient link of an active message of `sender` (the on-send check asks). */
  linkIsLive(sender: string, link: string): Promise<boolean>;
  resolve(token: string): Promise<LinkContext | null>;
  methodFor(ctx: LinkContext): PortalMethod;
  /** Whether sign-in is locked for the message, or for this client (IP) on it. */
  isLocked(ctx: LinkContext, client: string): Promise<boolean>;
  start(ctx: LinkContext, flowId: string, email: string, lang: Lang, client: string): Promise<StartResult>;
  verify(ctx: LinkContext, flowId: string, entered: string, client: string): Promise<VerifyResult>;
  session(ctx: LinkContext, sessionId: string): Promise<PortalSession | null>;
  endSession(sessionId: string): Promise<void>;
  view(ctx: LinkContext, session: PortalSession): Promise<MessageView>;
  attachment(ctx: LinkContext, session: PortalSession, index: number): Promise<AttachmentDownload | null>;
  reply(ctx: LinkContext, session: PortalSession, text: string): Promise<boolean>;
  purge(): Promise<number>;
}

export interface SenderReply {
  from: string | null;
  participant: number;
  at: string;
  text: string;
}

export interface AttachmentDownload {
  name: string;
  type: string;
  size: number;
  chunks: AsyncGenerator<Buffer>;
}

export function createPortalService(deps: PortalServiceDeps): PortalService {
  const { store, keys, log } = deps;
  const now = deps.now ?? Date.now;
  const pending = new Set<Promise<unknown>>();

  /** Work that must not hold up (or, by its duration, give away anything to) the request: sending mail. */
  function background(what: string, task: () => Promise<void>): void {
    const promise = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((error: unknown) => {
        log.error({ err: error }, `portal: ${what} failed`);
      })
      .finally(() => pending.delete(promise));
    pending.add(promise);
  }

  function masterFor(message: PortalMessage): MasterKey | null {
    return message.keyId ? (keys.find(message.keyId) ?? null) : null;
  }

  function dataKey(message: PortalMessage): Buffer {
    if (message.state !== 'active' || !message.keyId || !message.wrappedKey)
      throw new PortalError('closed', 'The message was revoked or has expired.');
    const key = unwrapDataKey(keys, message.keyId, message.id, message.wrappedKey);
    if (!key) {
      log.error(
        { messageId: message.id, keyId: message.keyId },
        'portal: no configured master key unwraps this message',
      );
      throw new PortalError('unavailable', 'The key that protects this message is not configured.');
    }
    return key;
  }

  async function readJson<T>(message: PortalMessage, key: Buffer, part: string): Promise<T> {
    const chunks = await store.readPart(message.id, part);
    return JSON.parse(openPart(key, message.id, part, chunks).toString('utf8')) as T;
  }

  const envelopeOf = (message: PortalMessage, key: Buffer) => readJson<Envelope>(message, key, 'envelope');

  /** Closes messages whose time is up; a message is also checked whenever it is used. */
  async function expireIfDue(message: PortalMessage): Promise<PortalMessage> {
    if (message.state !== 'active' || message.expiresAt > now()) return message;
    await store.close(message.id, 'expired', now(), null);
    return (await store.getMessage(message.id)) ?? message;
  }

  function addressHash(master: MasterKey, messageId: string, address: string): Buffer {
    return mac(master.hmac, 'address', messageId, normalizeAddress(address));
  }

  function codeHash(master: MasterKey, messageId: string, challenge: Buffer, code: string): Buffer {
    return mac(master.hmac, 'code', messageId, challenge.toString('hex'), code);
  }

  function accessCodeHash(master: MasterKey, messageId: string, code: string): Buffer {
    return mac(master.hmac, 'access', messageId, code);
  }

  function link(token: string): string {
    return `${deps.publicUrl}/portal/m/${token}`;
  }

  async function ownMessage(sender: string, id: string): Promise<PortalMessage> {
    const message = await store.getMessage(id);
    // Someone else's message is answered like a missing one.
    if (!message || message.sender !== sender) throw new PortalError('not-found', 'No such portal message.');
    return expireIfDue(message);
  }

  async function summary(message: PortalMessage): Promise<MessageSummary> {
    const opens = await store.opens(message.id);
    let envelope: Envelope | null = null;
    if (message.state === 'active') {
      try {
        envelope = await envelopeOf(message, dataKey(message));
      } catch (error) {
        if (!(error instanceof PortalError)) throw error;
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
      maxExpiresAt: new Date(message.createdAt + MAX_EXPIRY_DAYS * DAY_MS).toISOString(),
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

  function participantAddress(envelope: Envelope | null, participant: number | null): string | null {
    if (!envelope || participant === null) return null;
    return participant === 0 ? envelope.senderEmail : (envelope.recipients[participant - 1]?.email ?? null);
  }

  async function notifySender(
    message: PortalMessage,
    compose: (
      envelope: Envelope,
      t: (typeof STRINGS)['en'],
    ) => {
      subject: string;
      text: string;
    },
  ): Promise<void> {
    const mailer = deps.mailer;
    if (!mailer) {
      log.warn({ messageId: message.id }, 'portal: no mail relay configured; the sender was not notified');
      return;
    }
    const envelope = await envelopeOf(message, dataKey(message));
    const mail = compose(envelope, STRINGS[envelope.language]);
    await mailer.send({ to: envelope.senderEmail, ...mail });
  }

  function methodFor(ctx: LinkContext): PortalMethod {
    // A sender link always mails a code to the sender's own address.
    return ctx.role === 'sender' ? 'email-code' : ctx.message.method;
  }

  function messageLocked(ctx: LinkContext): boolean {
    return ctx.message.lockedUntil !== null && ctx.message.lockedUntil > now();
  }

  /** The wrong-code counters besides the participants': this IP on this link, and the link itself. */
  function throttleKeys(master: MasterKey, messageId: string, client: string): [Buffer, Buffer] {
    return [mac(master.hmac, 'throttle-ip', messageId, client), mac(master.hmac, 'throttle-link', messageId)];
  }

  async function isLocked(ctx: LinkContext, client: string): Promise<boolean> {
    if (messageLocked(ctx)) return true;
    const master = masterFor(ctx.message);
    if (!master) return false;
    const [ipLocked] = await store.throttleLocked([throttleKeys(master, ctx.message.id, client)[0]], now());
    return ipLocked === true;
  }

  /** Holds one counter off for LOCK_MS; audited once, and nobody is mailed (the sender cannot act on it). */
  async function holdOff(messageId: string, key: Buffer, at: number, scope: 'ip' | 'link'): Promise<void> {
    if (await store.lockThrottle(key, messageId, at, at + LOCK_MS))
      await store.addEvent(messageId, { at, kind: 'throttled', participant: null, detail: { scope } });
  }

  async function resolve(token: string): Promise<LinkContext | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const found = await store.findLink(tokenHash(token));
    if (!found) return null;
    const message = await store.getMessage(found.messageId);
    if (!message) return null;
    const current = await expireIfDue(message);
    if (current.state !== 'active') return null;
    return { message: current, role: found.role };
  }

  return {
    methodFor,
    isLocked,
    resolve,

    idle: async (): Promise<void> => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    canVerifyWith(method: PortalMethod): boolean {
      if (method === 'email-code') return deps.mailer !== null;
      if (method === 'sms-code') return deps.sms !== null;
      return true;
    },

    draft(): Draft {
      return new Draft({ bytes: PORTAL_LIMITS.attachmentBytes, count: PORTAL_LIMITS.attachments });
    },

    async commit(draft: Draft, input: NewMessage): Promise<{ id: string; link: string; expiresAt: number }> {
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

    // --- the sender, through the API

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
      const out: SenderReply[] = [];
      for (const part of await store.partNames(message.id, 'reply:')) {
        const reply = await readJson<StoredReply>(message, key, part);
        out.push({
          from: participantAddress(envelope, reply.participant),
          participant: reply.participant,
          at: new Date(reply.at).toISOString(),
          text: reply.text,
        });
      }
      return out;
    },

    async revoke(sender: string, id: string): Promise<MessageSummary> {
      const message = await ownMessage(sender, id);
      if (message.state === 'active') await store.close(message.id, 'revoked', now(), 0);
      return summary((await store.getMessage(message.id)) ?? message);
    },

    async extend(sender: string, id: string, expiresAt: number): Promise<MessageSummary> {
      const message = await ownMessage(sender, id);
      if (message.state !== 'active')
        throw new PortalError('closed', `The message is ${message.state}; it cannot be extended.`);
      const max = message.createdAt + MAX_EXPIRY_DAYS * DAY_MS;
      if (expiresAt > max)
        throw new PortalError(
          'invalid',
          `A message can be available for at most ${MAX_EXPIRY_DAYS} days after it was sent (until ${new Date(max).toISOString()}).`,
        );
      if (expiresAt <= now())
        throw new PortalError(
          'invalid',
          'The new expiry must be in the future; revoke the message to end it now.',
        );
      if (!(await store.setExpiry(message.id, expiresAt, now())))
        throw new PortalError('closed', 'The message has just expired or been revoked.');
      await store.addEvent(message.id, {
        at: now(),
        kind: 'extended',
        participant: 0,
        detail: { expiresAt: new Date(expiresAt).toISOString() },
      });
      return summary((await store.getMessage(message.id)) ?? message);
    },

    // --- the recipient (or the sender, through a sender link), through the pages

    async linkIsLive(sender: string, given: string): Promise<boolean> {
      const prefix = link('');
      if (!given.startsWith(prefix)) return false;
      const ctx = await resolve(given.slice(prefix.length));
      // A sender link (from a reply notice) is never what a notice to recipients carries.
      return ctx !== null && ctx.role === 'recipient' && ctx.message.sender === sender;
    },

    /**
     * An address was entered. Whether or not it is one of the message's participants, the same work is
     * done and the same answer given; a code goes out (in the background) only to a real one.
     */
    async start(
      ctx: LinkContext,
      flowId: string,
      email: string,
      lang: Lang,
      client: string,
    ): Promise<StartResult> {
      const { message } = ctx;
      if (await isLocked(ctx, client)) return 'locked';
      const master = masterFor(message);
      if (!master) return 'unavailable';
      const entered = addressHash(master, message.id, email);
      let match: number | null = null;
      for (const p of await store.participants(message.id)) {
        // No early exit: every candidate is compared, in constant time.
        const same = sameBytes(p.addressHash, entered) && p.role === ctx.role;
        if (same) match = p.index;
      }
      const method = methodFor(ctx);
      const challenge = secretHash(flowId);
      const code = method === 'access-code' ? null : String(randomInt(0, 1_000_000)).padStart(6, '0');
      await store.putChallenge({
        idHash: challenge,
        messageId: message.id,
        participant: match,
        codeHash: code === null ? null : codeHash(master, message.id, challenge, code),
        createdAt: now(),
        expiresAt: now() + CODE_TTL_MS,
        attempts: 0,
        spent: false,
      });
      if (match !== null && code !== null) {
        const participant = match;
        background('sending a code', async () => {
          const sent = await store.countEvents(message.id, 'code-sent', now() - 60 * 60 * 1000);
          if (sent >= CODES_PER_HOUR) {
            log.warn({ messageId: message.id }, 'portal: code limit reached; no code sent');
            return;
          }
          const t = STRINGS[lang];
          // Logged when handed to the relay, so it sorts before the open it allowed.
          const sentAt = now();
          // To the address and number the sender gave, whatever variant of it was typed.
          const envelope = await envelopeOf(message, dataKey(message));
          const recipient =
            participant === 0 ? { email: envelope.senderEmail } : envelope.recipients[participant - 1];
          if (!recipient) throw new Error('participant not in the envelope');
          if (method === 'sms-code') {
            if (!deps.sms || !('phone' in recipient) || !recipient.phone)
              throw new Error('no SMS provider or phone number for this recipient');
            await deps.sms.send(recipient.phone, t.codeSms(code));
          } else {
            if (!deps.mailer) throw new Error('no mail relay configured');
            await deps.mailer.send({
              to: recipient.email,
              subject: t.codeMailSubject,
              text: t.codeMail(code),
            });
          }
          await store.addEvent(message.id, { at: sentAt, kind: 'code-sent', participant, detail: null });
        });
      }
      return 'sent';
    },

    async verify(ctx: LinkContext, flowId: string, entered: string, client: string): Promise<VerifyResult> {
      const { message } = ctx;
      if (messageLocked(ctx)) return { ok: false, reason: 'locked' };
      const master = masterFor(message);
      if (!master) return { ok: false, reason: 'unavailable' };
      const throttles = throttleKeys(master, message.id, client);
      const [ipLocked, linkLocked] = await store.throttleLocked(throttles, now());
      if (ipLocked) return { ok: false, reason: 'locked' };
      const idHash = secretHash(flowId);
      const challenge = await store.getChallenge(idHash);
      if (!challenge || challenge.messageId !== message.id) return { ok: false, reason: 'restart' };
      if (challenge.spent || challenge.attempts >= CODE_ATTEMPTS || challenge.expiresAt <= now())
        return { ok: false, reason: 'void' };

      const method = methodFor(ctx);
      const code = method === 'access-code' ? entered.trim() : entered.replace(/[\s-]/g, '');
      const expected = method === 'access-code' ? message.accessCodeHash : challenge.codeHash;
      const actual =
        method === 'access-code'
          ? accessCodeHash(master, message.id, code)
          : codeHash(master, message.id, idHash, code);
      const ok = challenge.participant !== null && expected !== null && sameBytes(actual, expected);

      if (!ok) {
        const at = now();
        const count = await store.recordFailure(
          idHash,
          message.id,
          challenge.participant,
          at,
          at - LOCK_WINDOW_MS,
          throttles,
        );
        // Only participants' wrong codes lock the message (and mail the sender). Everyone's count per IP and
        // per link, which hold off only wrong codes from there; the answer is the same either way, so it
        // does not tell who is a recipient.
        if (challenge.participant !== null && count.recent >= LOCK_FAILURES) {
          if (await store.lock(message.id, at, at + LOCK_MS)) {
            await store.addEvent(message.id, {
              at,
              kind: 'locked',
              participant: null,
              detail: { failures: count.recent },
            });
            background('notifying the sender of a lock', () =>
              notifySender(message, (envelope, t) => ({
                subject: t.lockMailSubject,
                text: t.lockMail(
                  formatDate(envelope.language, message.createdAt),
                  formatDate(envelope.language, at + LOCK_MS),
                ),
              })),
            );
          }
          return { ok: false, reason: 'locked' };
        }
        const [fromIp = 0, onLink = 0] = count.throttles;
        if (fromIp >= LOCK_FAILURES) {
          await holdOff(message.id, throttles[0], at, 'ip');
          return { ok: false, reason: 'locked' };
        }
        if (onLink >= LINK_FAILURES || linkLocked === true) {
          await holdOff(message.id, throttles[1], at, 'link');
          return { ok: false, reason: 'locked' };
        }
        return { ok: false, reason: count.attempts >= CODE_ATTEMPTS ? 'void' : 'wrong' };
      }
      if (!(await store.spendChallenge(idHash))) return { ok: false, reason: 'void' };
      const sessionId = newSecret();
      await store.createSession({
        idHash: secretHash(sessionId),
        messageId: message.id,
        participant: challenge.participant ?? -1,
        role: ctx.role,
        createdAt: now(),
        expiresAt: now() + SESSION_TTL_MS,
        openedAt: null,
      });
      return { ok: true, sessionId };
    },

    /** The session this cookie value stands for, if it is valid for this link's message. */
    async session(ctx: LinkContext, sessionId: string): Promise<PortalSession | null> {
      const session = await store.getSession(secretHash(sessionId));
      if (!session || session.messageId !== ctx.message.id || session.role !== ctx.role) return null;
      if (session.expiresAt <= now()) return null;
      return session;
    },

    async endSession(sessionId: string): Promise<void> {
      await store.deleteSession(secretHash(sessionId));
    },

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
          if (!box) throw new PortalError('closed', 'The message was closed during the download.');
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
      background('notifying the sender of a reply', async () => {
        // A link of its own for the sender: only hashes of links are kept, so the recipients' cannot be reused.
        const token = newToken();
        await store.addLink(tokenHash(token), message.id, 'sender', now());
        await notifySender(message, (envelope, t) => ({
          subject: t.replyMailSubject,
          text: t.replyMail(
            participantAddress(envelope, session.participant) ?? '?',
            formatDate(envelope.language, message.createdAt),
            link(token),
            envelope.senderEmail,
          ),
        }));
      });
      return true;
    },

    /** Closes every message whose expiry has passed, and drops stale sign-ins and sessions. */
    async purge(): Promise<number> {
      let closed = 0;
      for (const id of await store.dueForExpiry(now(), 500))
        if (await store.close(id, 'expired', now(), null)) closed++;
      await store.prune(now(), now() - LOCK_WINDOW_MS);
      return closed;
    },
  };
}
