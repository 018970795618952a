import type { PortalMessage, PortalMethod } from '../store/portal-store';
import { formatDate, STRINGS, type Lang } from './i18n';
import type { Mailer } from './mailer';
import { participantAddress, type MessageAccess } from './messages';
import { CODE_TTL_MS, CODES_PER_HOUR, newToken, tokenHash, type Envelope } from './model';
import { SmsError, type SmsFailure, type SmsProvider } from './sms';

/**
 * What the portal mails and texts: sign-in codes to participants, and notices to the sender. All of it goes
 * in the background, so neither a slow relay nor the time it takes tells a visitor anything.
 */
export interface Notifications {
  /** Whether codes by this method can be sent with this server's mail and SMS set-up. */
  canSend(method: PortalMethod): boolean;
  /**
   * A sign-in code to participant `participant` (0 the sender) for the sign-in `challenge`, at most
   * CODES_PER_HOUR per message.
   */
  sendCode(
    message: PortalMessage,
    participant: number,
    method: PortalMethod,
    code: string,
    lang: Lang,
    challenge: Buffer,
  ): void;
  /** Why the SMS for this sign-in challenge could not be sent, if it could not; told once. */
  takeSmsFailure(challenge: Buffer): SmsFailure | null;
  /** Tells the sender that sign-in to the message is locked until `until`. */
  lockNotice(message: PortalMessage, until: number): void;
  /**
   * Tells the sender of a recipient's reply, with a sender link of its own to read it, and how many files it
   * has (never their names).
   */
  replyNotice(message: PortalMessage, participant: number, files: number): void;
}

export function createNotifications(
  access: MessageAccess,
  channels: { mailer: Mailer | null; sms: SmsProvider | null },
): Notifications {
  const { store, log, now, background, dataKey, envelopeOf, link } = access;
  const { mailer, sms } = channels;
  /**
   * Failed texts by challenge, so the recipient's next step can say why no code came. In memory: they matter
   * only while the code would have been valid, and the server is one process on one database.
   */
  const smsFailures = new Map<string, { reason: SmsFailure; at: number }>();

  function rememberSmsFailure(challenge: Buffer, reason: SmsFailure): void {
    for (const [key, entry] of smsFailures)
      if (entry.at <= now() - CODE_TTL_MS || smsFailures.size >= 10_000) smsFailures.delete(key);
      else break;
    smsFailures.set(challenge.toString('hex'), { reason, at: now() });
  }

  /** Sends the text; a provider's refusal is remembered for the recipient and audited for the sender. */
  async function sendSms(
    message: PortalMessage,
    participant: number,
    phone: string,
    text: string,
    challenge: Buffer,
  ): Promise<boolean> {
    if (!sms) throw new Error('no SMS provider configured');
    try {
      await sms.send(phone, text);
      return true;
    } catch (error) {
      const failure = error instanceof SmsError ? error : new SmsError('unavailable');
      rememberSmsFailure(challenge, failure.reason);
      await store.addEvent(message.id, {
        at: now(),
        kind: 'sms-failed',
        participant,
        detail: { reason: failure.reason },
      });
      // Neither the number nor the text (the code) is logged: only the class and the provider's status.
      log.warn(
        {
          messageId: message.id,
          reason: failure.reason,
          status: failure.status,
          provider: failure.providerCode,
        },
        'portal: the SMS provider did not send a code',
      );
      return false;
    }
  }

  async function notifySender(
    message: PortalMessage,
    compose: (envelope: Envelope, t: (typeof STRINGS)['en']) => { subject: string; text: string },
  ): Promise<void> {
    if (!mailer) {
      log.warn({ messageId: message.id }, 'portal: no mail relay configured; the sender was not notified');
      return;
    }
    const envelope = await envelopeOf(message, dataKey(message));
    const mail = compose(envelope, STRINGS[envelope.language]);
    await mailer.send({ to: envelope.senderEmail, ...mail });
  }

  return {
    canSend(method) {
      if (method === 'email-code') return mailer !== null;
      if (method === 'sms-code') return sms !== null;
      return true;
    },

    sendCode(message, participant, method, code, lang, challenge) {
      background('sending a code', async () => {
        const since = now() - 60 * 60 * 1000;
        // A text that failed may still have reached the phone (a timeout), so it counts too.
        const sent =
          (await store.countEvents(message.id, 'code-sent', since)) +
          (await store.countEvents(message.id, 'sms-failed', since));
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
          if (!('phone' in recipient) || !recipient.phone)
            throw new Error('no phone number for this recipient');
          if (!(await sendSms(message, participant, recipient.phone, t.codeSms(code), challenge))) return;
        } else {
          if (!mailer) throw new Error('no mail relay configured');
          await mailer.send({ to: recipient.email, subject: t.codeMailSubject, text: t.codeMail(code) });
        }
        await store.addEvent(message.id, { at: sentAt, kind: 'code-sent', participant, detail: null });
      });
    },

    takeSmsFailure(challenge) {
      const key = challenge.toString('hex');
      const entry = smsFailures.get(key);
      smsFailures.delete(key);
      return entry && entry.at > now() - CODE_TTL_MS ? entry.reason : null;
    },

    lockNotice(message, until) {
      background('notifying the sender of a lock', () =>
        notifySender(message, (envelope, t) => ({
          subject: t.lockMailSubject,
          text: t.lockMail(
            formatDate(envelope.language, message.createdAt),
            formatDate(envelope.language, until),
          ),
        })),
      );
    },

    replyNotice(message, participant, files) {
      background('notifying the sender of a reply', async () => {
        // A link of its own for the sender: only hashes of links are kept, so the recipients' cannot be reused.
        const token = newToken();
        await store.addLink(tokenHash(token), message.id, 'sender', now());
        await notifySender(message, (envelope, t) => ({
          subject: t.replyMailSubject,
          text: t.replyMail(
            participantAddress(envelope, participant) ?? '?',
            formatDate(envelope.language, message.createdAt),
            link(token),
            envelope.senderEmail,
            files,
          ),
        }));
      });
    },
  };
}
