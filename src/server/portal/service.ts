import type { FastifyBaseLogger } from 'fastify';
import type { PortalMethod, PortalStore } from '../store/portal-store';
import type { KeyRing } from './keys';
import type { Mailer } from './mailer';
import { createMessageAccess, methodFor } from './messages';
import { LOCK_WINDOW_MS, type LinkContext } from './model';
import { createNotifications } from './notifications';
import { createMessageReading, type MessageReading } from './reading';
import { createSenderActions, type SenderActions } from './sender';
import { createRecipientSignIn, type RecipientSignIn } from './sign-in';
import type { SmsProvider } from './sms';

/**
 * The secure portal's service, put together from its parts: the sender's actions (sender.ts), signing in on
 * a link (sign-in.ts), reading and replying (reading.ts), and mail and SMS (notifications.ts). Its errors are
 * ApiErrors with catalogue codes (NOT_FOUND, MESSAGE_CLOSED, VALIDATION_FAILED, NOT_READY).
 */

export * from './model';

export interface PortalServiceDeps {
  store: PortalStore;
  keys: KeyRing;
  mailer: Mailer | null;
  sms: SmsProvider | null;
  publicUrl: string;
  log: FastifyBaseLogger;
  now?: () => number;
}

export interface PortalService extends SenderActions, RecipientSignIn, MessageReading {
  /** Resolves once mail and SMS sent in the background have gone (or failed). */
  idle(): Promise<void>;
  /** Whether a verification method can be offered with this server's mail and SMS set-up. */
  canVerifyWith(method: PortalMethod): boolean;
  resolve(token: string): Promise<LinkContext | null>;
  methodFor(ctx: LinkContext): PortalMethod;
  /** Closes every message whose expiry has passed, and drops stale sign-ins and sessions. */
  purge(): Promise<number>;
}

export function createPortalService(deps: PortalServiceDeps): PortalService {
  const access = createMessageAccess(deps);
  const notifications = createNotifications(access, { mailer: deps.mailer, sms: deps.sms });
  const { store, now } = access;
  return {
    ...createSenderActions(access),
    ...createRecipientSignIn(access, notifications),
    ...createMessageReading(access, notifications),
    idle: access.idle,
    canVerifyWith: (method) => notifications.canSend(method),
    resolve: access.resolve,
    methodFor,

    async purge(): Promise<number> {
      let closed = 0;
      for (const id of await store.dueForExpiry(now(), 500))
        if (await store.close(id, 'expired', now(), null)) closed++;
      await store.prune(now(), now() - LOCK_WINDOW_MS);
      return closed;
    },
  };
}
