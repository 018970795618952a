/**
 * What the secure portal keeps (docs/portal.md). Contents are stored only as AES-GCM boxes under a
 * per-message data key; the data key only wrapped by a master key; addresses, codes and tokens only as
 * hashes. Closing a message (revocation, expiry) deletes its wrapped key and every box, so what remains is
 * metadata: who sent it (an identity subject), when, its state, counts, and the audit log.
 */

export type PortalMethod = 'email-code' | 'sms-code' | 'access-code';
export type PortalState = 'active' | 'revoked' | 'expired';
/** A recipient link admits the message's recipients; a sender link (from a reply notice) its sender. */
export type PortalRole = 'recipient' | 'sender';

export type PortalEventKind =
  | 'created'
  | 'code-sent'
  /** The SMS provider refused or did not answer; detail.reason is the class, never the number or code. */
  | 'sms-failed'
  | 'code-failed'
  | 'locked'
  /** Wrong codes from one IP, or from non-recipients on one link: only they are held off (no mail). */
  | 'throttled'
  | 'opened'
  | 'downloaded'
  | 'replied'
  | 'extended'
  | 'revoked'
  | 'expired';

export interface PortalMessage {
  id: string;
  /** The sender's identity subject (never an address). */
  sender: string;
  createdAt: number;
  expiresAt: number;
  /** The latest expiry an extension may set: the policy's maximum when it was sent. */
  maxExpiresAt: number;
  state: PortalState;
  /** The master key that wrapped the data key; null once the message is closed. */
  keyId: string | null;
  wrappedKey: Buffer | null;
  method: PortalMethod;
  /** HMAC of the sender's access code (access-code only); null once closed. */
  accessCodeHash: Buffer | null;
  recipients: number;
  attachments: number;
  replies: number;
  /** Recipients cannot sign in until then (too many wrong codes). */
  lockedUntil: number | null;
  closedAt: number | null;
}

/** One sealed chunk of a part (`envelope`, `body`, `att:N`, `reply:ID`, `reply-file:ID:N`). */
export interface PortalChunk {
  part: string;
  seq: number;
  data: Buffer;
}

/** A stored reply: its number within the message (from 1, never reused) and the part holding it. */
export interface PortalReply {
  id: number;
  part: string;
}

export interface NewPortalReply {
  part: string;
  /** The reply's chunks and those of its files. */
  chunks: PortalChunk[];
  files: number;
}

export interface PortalParticipant {
  /** 0 is the sender; recipients are numbered from 1 in the order the sender gave them. */
  index: number;
  role: PortalRole;
  addressHash: Buffer;
}

/** A sign-in attempt: an address was entered, a code is (or is not) expected. */
export interface PortalChallenge {
  idHash: Buffer;
  messageId: string;
  /** The participant the address matched, or null: such a challenge never succeeds. */
  participant: number | null;
  /** HMAC of the one-time code; null with an access code. */
  codeHash: Buffer | null;
  createdAt: number;
  expiresAt: number;
  attempts: number;
  spent: boolean;
}

export interface PortalSession {
  idHash: Buffer;
  messageId: string;
  participant: number;
  role: PortalRole;
  createdAt: number;
  expiresAt: number;
  openedAt: number | null;
}

export interface PortalEvent {
  at: number;
  kind: PortalEventKind;
  participant: number | null;
  /** Metadata only: an attachment index, a new expiry. */
  detail: Record<string, number | string> | null;
}

export interface PortalOpens {
  participant: number;
  first: number;
  last: number;
}

export interface NewPortalMessage {
  message: PortalMessage;
  participants: PortalParticipant[];
  tokenHash: Buffer;
  chunks: PortalChunk[];
}

export interface FailureCount {
  /** Wrong entries on this challenge. */
  attempts: number;
  /** Wrong entries by the message's participants (not by other addresses) since the window start. */
  recent: number;
  /** Per throttle key given, the wrong entries in its current window. */
  throttles: number[];
}

export interface PortalStore {
  /** Stores the message, its participants, link and chunks, and the `created` event, all at once. */
  createMessage(input: NewPortalMessage): Promise<void>;
  getMessage(id: string): Promise<PortalMessage | null>;
  /** The sender's messages, newest first. */
  listMessages(sender: string, limit: number): Promise<PortalMessage[]>;
  findLink(tokenHash: Buffer): Promise<{ messageId: string; role: PortalRole } | null>;
  addLink(tokenHash: Buffer, messageId: string, role: PortalRole, at: number): Promise<void>;
  participants(messageId: string): Promise<PortalParticipant[]>;
  chunkCount(messageId: string, part: string): Promise<number>;
  getChunk(messageId: string, part: string, seq: number): Promise<Buffer | null>;
  /** Every chunk of a part, in order. */
  readPart(messageId: string, part: string): Promise<Buffer[]>;
  /** The message's replies: their numbers (1, 2, ... in the order they came) and the parts holding them. */
  replies(messageId: string): Promise<PortalReply[]>;
  /**
   * Adds a reply (its own part and those of its files), numbers and counts it, and records `replied` with
   * how many files it has, at once. The reply's number, or null if the message is not active.
   */
  addReply(messageId: string, reply: NewPortalReply, participant: number, at: number): Promise<number | null>;
  /** Creates or replaces the challenge with this id. */
  putChallenge(challenge: PortalChallenge): Promise<void>;
  getChallenge(idHash: Buffer): Promise<PortalChallenge | null>;
  /**
   * Counts a wrong entry on the challenge and on each throttle key (a counter per key whose window restarts
   * once it began before `windowStart`), and records `code-failed`, at once.
   */
  recordFailure(
    idHash: Buffer,
    messageId: string,
    participant: number | null,
    at: number,
    windowStart: number,
    throttles: readonly Buffer[],
  ): Promise<FailureCount>;
  /** Holds a throttle key off until `until`; false if it already was at `at` (record it once). */
  lockThrottle(key: Buffer, messageId: string, at: number, until: number): Promise<boolean>;
  /** Per key, whether it is held off at `at`. */
  throttleLocked(keys: readonly Buffer[], at: number): Promise<boolean[]>;
  /** Marks the challenge used; false if it already was (so a code works once, even in a race). */
  spendChallenge(idHash: Buffer): Promise<boolean>;
  /** Locks recipients out until `until`; false if it was already locked at `at` (notify once). */
  lock(messageId: string, at: number, until: number): Promise<boolean>;
  createSession(session: PortalSession): Promise<void>;
  getSession(idHash: Buffer): Promise<PortalSession | null>;
  /** Records the first view of a session; false if it was already recorded. */
  markOpened(idHash: Buffer, at: number): Promise<boolean>;
  deleteSession(idHash: Buffer): Promise<void>;
  addEvent(messageId: string, event: PortalEvent): Promise<void>;
  events(messageId: string, limit: number): Promise<PortalEvent[]>;
  countEvents(messageId: string, kind: PortalEventKind, since: number): Promise<number>;
  opens(messageId: string): Promise<PortalOpens[]>;
  setExpiry(messageId: string, expiresAt: number, at: number): Promise<boolean>;
  /**
   * Closes an active message: deletes its wrapped key, access code, chunks, participants, links,
   * challenges, sessions and throttle counters, sets the state and records the event. False if it was not active.
   */
  close(
    messageId: string,
    state: 'revoked' | 'expired',
    at: number,
    participant: number | null,
  ): Promise<boolean>;
  /** Active messages whose expiry has passed. */
  dueForExpiry(now: number, limit: number): Promise<string[]>;
  /** Deletes challenges and sessions that have expired, and throttle counters idle since `throttleBefore`. */
  prune(now: number, throttleBefore: number): Promise<void>;
}
