import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { portalExpiry, type OrgPolicy } from '../../core/policy';
import { ApiError } from '../errors';
import type { PortalEvent, PortalMessage, PortalMethod, PortalRole } from '../store/portal-store';
import { newDataKey, PartSealer } from './crypto';
import type { Lang } from './i18n';
import type { SmsFailure } from './sms';

/**
 * The portal's rules, shapes and link secrets, shared by its parts (sender.ts, sign-in.ts, reading.ts,
 * notifications.ts) and the routes.
 */

/** The portal's rules (docs/portal.md); the API's limits among them live in the contract. */
export { PORTAL_LIMITS } from '../../contract/limits';

export const DAY_MS = 24 * 60 * 60 * 1000;
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
  /** The policy's maximum when it is sent: extensions stay within it, whatever the policy says later. */
  maxExpiryDays: number;
  verification:
    { method: 'email-code' } | { method: 'sms-code' } | { method: 'access-code'; accessCode: string };
  language: Lang;
}

/**
 * A new message's lifetime under `policy`: the days the sender asked for, else the policy's default. Longer
 * than the policy's maximum is refused, not cut short: the sender would not know the link dies sooner.
 */
export function messageExpiry(
  asked: number | undefined,
  policy: Partial<Pick<OrgPolicy, 'portalDefaultExpiryDays' | 'portalMaxExpiryDays'>>,
): { days: number; maxDays: number } {
  const { defaultDays, maxDays } = portalExpiry(policy);
  if (asked !== undefined && asked > maxDays)
    throw new ApiError(
      'VALIDATION_FAILED',
      `message.expiresInDays: the organisation's policy allows at most ${maxDays} days (asked ${asked}).`,
    );
  return { days: asked ?? defaultDays, maxDays };
}

export interface Envelope {
  v: 1;
  senderEmail: string;
  language: Lang;
  subject: string;
  format: 'html' | 'text';
  recipients: Array<{ email: string; phone?: string }>;
  attachments: Array<{ name: string; type: string; size: number }>;
}

/** A file's name (sanitised), type and size; the file itself is a part of its own. */
export interface FileMeta {
  name: string;
  type: string;
  size: number;
}

export interface StoredReply {
  participant: number;
  at: number;
  text: string;
  /** Files sent with the reply, in parts `reply-file:ID:N` (replyFilePart); absent in older replies. */
  attachments?: FileMeta[];
}

/** A recipient's reply on the portal page: at most this many files, this many bytes together. */
export const REPLY_LIMITS = { attachments: 10, attachmentBytes: 25 * 1024 * 1024 } as const;

/** The part holding file `index` of the reply stored in part `replyPart` (`reply:ID`). */
export function replyFilePart(replyPart: string, index: number): string {
  return `reply-file:${replyPart.slice('reply:'.length)}:${index}`;
}

/**
 * Files sealed as they stream in, each a part of its own under the message's data key, within a count and
 * a total size. A message's attachments (Draft) and a reply's files (ReplyDraft) both arrive this way.
 */
export class SealedFiles {
  readonly attachments: Array<{ name: string; type: string; sealer: PartSealer }> = [];

  constructor(
    readonly id: string,
    readonly dataKey: Buffer,
    private readonly partOf: (index: number) => string,
    private readonly limits: { bytes: number; count: number },
  ) {}

  get bytes(): number {
    return this.attachments.reduce((sum, a) => sum + a.sealer.bytes, 0);
  }

  /** A sealer for the next attachment, or null when there would be too many. */
  addAttachment(name: string, type: string): PartSealer | null {
    if (this.attachments.length >= this.limits.count) return null;
    const sealer = new PartSealer(this.dataKey, this.id, this.partOf(this.attachments.length));
    this.attachments.push({ name, type, sealer });
    return sealer;
  }

  /**
   * Seals one file as it streams in. 'count' or 'bytes' when it would break a limit: it stops reading
   * then, and the caller must store nothing.
   */
  async receive(name: string, type: string, data: AsyncIterable<Buffer>): Promise<'ok' | 'count' | 'bytes'> {
    const sealer = this.addAttachment(name, type);
    if (!sealer) return 'count';
    let total = this.bytes;
    for await (const chunk of data) {
      total += chunk.length;
      if (total > this.limits.bytes) return 'bytes';
      sealer.push(chunk);
    }
    return 'ok';
  }

  /** Every file's sealed chunks, as stored; call once, when all have arrived. */
  chunks(): Array<{ part: string; seq: number; data: Buffer }> {
    return this.attachments.flatMap((a, n) =>
      a.sealer.finish().map((data, seq) => ({ part: this.partOf(n), seq, data })),
    );
  }

  get files(): FileMeta[] {
    return this.attachments.map((a) => ({ name: a.name, type: a.type, size: a.sealer.bytes }));
  }
}

/** A message being uploaded: attachments are sealed as they stream in, under a key made for it. */
export class Draft extends SealedFiles {
  constructor(limits: { bytes: number; count: number }) {
    super(randomUUID(), newDataKey(), (index) => `att:${index}`, limits);
  }
}

/** A reply being received: its files are sealed as they stream in, under the message's key. */
export class ReplyDraft extends SealedFiles {
  /** The part the reply's text will be stored in. */
  readonly part: string;

  constructor(messageId: string, dataKey: Buffer) {
    const part = `reply:${randomUUID()}`;
    super(messageId, dataKey, (index) => replyFilePart(part, index), {
      bytes: REPLY_LIMITS.attachmentBytes,
      count: REPLY_LIMITS.attachments,
    });
    this.part = part;
  }
}

export type MessageStatus = 'delivered' | 'opened' | 'revoked' | 'expired';

export interface MessageSummary {
  id: string;
  status: MessageStatus;
  createdAt: string;
  expiresAt: string;
  /** The latest expiry an extension may set (the policy's maximum when it was sent, from sending). */
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

/** `smsFailed`: the text with this browser's previous code could not be sent (told once, then retried). */
export type StartResult = 'sent' | 'locked' | 'unavailable' | { smsFailed: SmsFailure };
export type VerifyResult =
  | { ok: true; sessionId: string }
  | { ok: false; reason: 'wrong' | 'void' | 'restart' | 'locked' | 'unavailable' }
  | { ok: false; reason: 'sms-failed'; sms: SmsFailure };

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

export interface SenderReply {
  /** The reply's number within the message, from 1. */
  id: number;
  from: string | null;
  participant: number;
  at: string;
  text: string;
  attachments: Array<{ index: number; name: string; size: number }>;
}

export interface AttachmentDownload {
  name: string;
  type: string;
  size: number;
  chunks: AsyncGenerator<Buffer>;
}
