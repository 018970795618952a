import { randomInt } from 'node:crypto';
import type { PortalSession } from '../store/portal-store';
import { mac, sameBytes } from './crypto';
import type { Lang } from './i18n';
import type { MasterKey } from './keys';
import { accessCodeHash, addressHash, codeHash, methodFor, type MessageAccess } from './messages';
import {
  CODE_ATTEMPTS,
  CODE_TTL_MS,
  LINK_FAILURES,
  LOCK_FAILURES,
  LOCK_MS,
  LOCK_WINDOW_MS,
  newSecret,
  secretHash,
  SESSION_TTL_MS,
  type LinkContext,
  type StartResult,
  type VerifyResult,
} from './model';
import type { Notifications } from './notifications';

/**
 * Signing in on a link's pages: an address, then a code (mailed, texted, or the access code the sender set),
 * then a session. Wrong codes are counted per participant, per IP on the link and per link.
 */
export interface RecipientSignIn {
  /** Whether sign-in is locked for the message, or for this client (IP) on it. */
  isLocked(ctx: LinkContext, client: string): Promise<boolean>;
  start(ctx: LinkContext, flowId: string, email: string, lang: Lang, client: string): Promise<StartResult>;
  verify(ctx: LinkContext, flowId: string, entered: string, client: string): Promise<VerifyResult>;
  session(ctx: LinkContext, sessionId: string): Promise<PortalSession | null>;
  endSession(sessionId: string): Promise<void>;
}

export function createRecipientSignIn(access: MessageAccess, notifications: Notifications): RecipientSignIn {
  const { store, now, masterFor } = access;

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

  return {
    isLocked,

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
      const challenge = secretHash(flowId);
      // Only a participant's flow can have a failed text. Said once, so "send a new code" then tries again;
      // the code that was not sent opens nothing, even if a timed-out text arrives after all.
      const smsFailed = notifications.takeSmsFailure(challenge);
      if (smsFailed) {
        await store.spendChallenge(challenge);
        return { smsFailed };
      }
      const entered = addressHash(master, message.id, email);
      let match: number | null = null;
      for (const p of await store.participants(message.id)) {
        // No early exit: every candidate is compared, in constant time.
        const same = sameBytes(p.addressHash, entered) && p.role === ctx.role;
        if (same) match = p.index;
      }
      const method = methodFor(ctx);
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
      if (match !== null && code !== null)
        notifications.sendCode(message, match, method, code, lang, challenge);
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
      const smsFailed = notifications.takeSmsFailure(idHash);
      if (smsFailed) {
        await store.spendChallenge(idHash);
        return { ok: false, reason: 'sms-failed', sms: smsFailed };
      }
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
            notifications.lockNotice(message, at + LOCK_MS);
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
  };
}
