import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PortalEvent, PortalMessage, PortalMethod, PortalRole } from '../store/portal-store';
import { newDataKey, PartSealer } from './crypto';
import type { Lang } from './i18n';

/**
 * The portal's rules, shapes and link secrets, shared by its parts (sender.ts, sign-in.ts, reading.ts,
 * notifications.ts) and the routes.
 */

/** The portal's rules (docs/portal.md); the API's limits among them live in the contract. */
export { DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, PORTAL_LIMITS } from '../../contract/limits';

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
  verification:
    { method: 'email-code' } | { method: 'sms-code' } | { method: 'access-code'; accessCode: string };
  language: Lang;
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

export interface StoredReply {
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
