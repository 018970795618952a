import type { FastifyBaseLogger } from 'fastify';

/** Sends verification codes by SMS. Providers plug in here; `log` is the one for development. */
export interface SmsProvider {
  send(to: string, text: string): Promise<void>;
}

export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}${'*'.repeat(Math.max(0, phone.length - 5))}${phone.slice(-2)}`;
}

/**
 * Development only: writes the text, code included, to the log instead of sending it. The server warns at
 * start that this provider is configured.
 */
export function logSmsProvider(log: FastifyBaseLogger): SmsProvider {
  return {
    send(to, text) {
      log.warn({ sms: { to: maskPhone(to), text } }, 'SMS (log provider, development only)');
      return Promise.resolve();
    },
  };
}
