import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from '../errors';
import type { PortalMessage, PortalMethod, PortalStore } from '../store/portal-store';
import { mac, openPart } from './crypto';
import { unwrapDataKey, type KeyRing, type MasterKey } from './keys';
import { normalizeAddress, TOKEN_PATTERN, tokenHash, type Envelope, type LinkContext } from './model';

/**
 * What the portal service's parts share: the store, the keys and the clock, opening a stored message, and
 * work done in the background. Members are plain functions, so the parts can destructure them.
 */
export interface MessageAccess {
  readonly store: PortalStore;
  readonly keys: KeyRing;
  readonly log: FastifyBaseLogger;
  readonly now: () => number;
  /** Work that must not hold up (or, by its duration, give away anything to) the request: sending mail. */
  readonly background: (what: string, task: () => Promise<void>) => void;
  /** Resolves once the background work has finished (or failed). */
  readonly idle: () => Promise<void>;
  readonly masterFor: (message: PortalMessage) => MasterKey | null;
  /** The message's data key: MESSAGE_CLOSED once it is closed, NOT_READY when no master key unwraps it. */
  readonly dataKey: (message: PortalMessage) => Buffer;
  readonly readJson: <T>(message: PortalMessage, key: Buffer, part: string) => Promise<T>;
  readonly envelopeOf: (message: PortalMessage, key: Buffer) => Promise<Envelope>;
  /** Closes a message whose time is up; messages are also closed by the sweep (purge). */
  readonly expireIfDue: (message: PortalMessage) => Promise<PortalMessage>;
  /** The page a link token opens. */
  readonly link: (token: string) => string;
  /** The live message a link token opens, and for whom; null for anything else. */
  readonly resolve: (token: string) => Promise<LinkContext | null>;
}

export interface MessageAccessDeps {
  store: PortalStore;
  keys: KeyRing;
  publicUrl: string;
  log: FastifyBaseLogger;
  now?: () => number;
}

export function createMessageAccess(deps: MessageAccessDeps): MessageAccess {
  const { store, keys, log } = deps;
  const now = deps.now ?? Date.now;
  const pending = new Set<Promise<unknown>>();

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
      throw new ApiError('MESSAGE_CLOSED');
    const key = unwrapDataKey(keys, message.keyId, message.id, message.wrappedKey);
    if (!key) {
      log.error(
        { messageId: message.id, keyId: message.keyId },
        'portal: no configured master key unwraps this message',
      );
      throw new ApiError('NOT_READY', 'The key that protects this message is not configured.');
    }
    return key;
  }

  async function readJson<T>(message: PortalMessage, key: Buffer, part: string): Promise<T> {
    const chunks = await store.readPart(message.id, part);
    return JSON.parse(openPart(key, message.id, part, chunks).toString('utf8')) as T;
  }

  async function expireIfDue(message: PortalMessage): Promise<PortalMessage> {
    if (message.state !== 'active' || message.expiresAt > now()) return message;
    await store.close(message.id, 'expired', now(), null);
    return (await store.getMessage(message.id)) ?? message;
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
    store,
    keys,
    log,
    now,
    background,
    idle: async (): Promise<void> => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    masterFor,
    dataKey,
    readJson,
    envelopeOf: (message, key) => readJson<Envelope>(message, key, 'envelope'),
    expireIfDue,
    link: (token) => `${deps.publicUrl}/portal/m/${token}`,
    resolve,
  };
}

export function addressHash(master: MasterKey, messageId: string, address: string): Buffer {
  return mac(master.hmac, 'address', messageId, normalizeAddress(address));
}

export function codeHash(master: MasterKey, messageId: string, challenge: Buffer, code: string): Buffer {
  return mac(master.hmac, 'code', messageId, challenge.toString('hex'), code);
}

export function accessCodeHash(master: MasterKey, messageId: string, code: string): Buffer {
  return mac(master.hmac, 'access', messageId, code);
}

/** 0 is the sender, 1.. the recipients in the order given. */
export function participantAddress(envelope: Envelope | null, participant: number | null): string | null {
  if (!envelope || participant === null) return null;
  return participant === 0 ? envelope.senderEmail : (envelope.recipients[participant - 1]?.email ?? null);
}

export function methodFor(ctx: LinkContext): PortalMethod {
  // A sender link always mails a code to the sender's own address.
  return ctx.role === 'sender' ? 'email-code' : ctx.message.method;
}
