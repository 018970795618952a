import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { FastifyBaseLogger } from 'fastify';
import type { TwilioConfig } from '../config-sms';

/** Sends verification codes by SMS. Providers plug in here: Twilio, and `log` for development. */
export interface SmsProvider {
  /** Resolves once the provider accepted the text; rejects with an SmsError when it did not. */
  send(to: string, text: string): Promise<void>;
}

/**
 * Why a text was not sent, as the recipient's page and the sender's audit log tell it: the number cannot
 * get it, the provider asks us to slow down, or the provider failed or did not answer.
 */
export type SmsFailure = 'invalid-number' | 'rate-limited' | 'unavailable';

/** A provider's refusal. The message names the class and status only: never the number, the text or the code. */
export class SmsError extends Error {
  constructor(
    readonly reason: SmsFailure,
    readonly status: number | null = null,
    readonly providerCode: number | null = null,
  ) {
    super(
      `SMS not sent: ${reason}${status === null ? '' : ` (HTTP ${status}${providerCode === null ? '' : `, provider error ${providerCode}`})`}`,
    );
    this.name = 'SmsError';
  }
}

export const E164 = /^\+[1-9]\d{1,14}$/;

export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}${'*'.repeat(Math.max(0, phone.length - 5))}${phone.slice(-2)}`;
}

/**
 * Development only: writes the text, code included, to the log instead of sending it. The server warns at
 * start that this provider is configured, and refuses it in production.
 */
export function logSmsProvider(log: FastifyBaseLogger): SmsProvider {
  return {
    send(to, text) {
      log.warn({ sms: { to: maskPhone(to), text } }, 'SMS (log provider, development only)');
      return Promise.resolve();
    },
  };
}

/** Twilio error codes (https://www.twilio.com/docs/api/errors) that say the number cannot get the text. */
const NUMBER_CODES = new Set([21211, 21214, 21408, 21610, 21612, 21614]);
/** Too many requests for the account, or too many texts to one number. */
const RATE_CODES = new Set([20429, 14107]);

export function classifyTwilio(status: number, code: number | null): SmsFailure {
  if (status === 429 || (code !== null && RATE_CODES.has(code))) return 'rate-limited';
  if (code !== null && NUMBER_CODES.has(code)) return 'invalid-number';
  return 'unavailable';
}

export interface TwilioOptions {
  /** Extra trust anchors (PEM) beside Node's store; NODE_EXTRA_CA_CERTS is honoured by Node itself. */
  extraCa?: readonly string[] | undefined;
  /** How long one request may take, connect to last byte; default 10 s. */
  timeoutMs?: number | undefined;
}

const RESPONSE_LIMIT = 64 * 1024;

/**
 * Twilio's Messages resource, called as documented: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json,
 * HTTP Basic auth, form-encoded To, From or MessagingServiceSid, and Body. One request per text and no
 * retries: a request that timed out may still have been delivered, and a second code would void the first.
 */
export function twilioSmsProvider(config: TwilioConfig, options: TwilioOptions = {}): SmsProvider {
  const url = new URL(
    `${config.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`,
  );
  const authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined;

  return {
    send(to, text) {
      if (!E164.test(to)) return Promise.reject(new SmsError('invalid-number'));
      const form = new URLSearchParams({ To: to });
      if (config.messagingServiceSid !== null) form.set('MessagingServiceSid', config.messagingServiceSid);
      else form.set('From', config.from ?? '');
      form.set('Body', text);
      const body = Buffer.from(form.toString(), 'utf8');

      return new Promise<void>((resolve, reject) => {
        const req = request(url, {
          method: 'POST',
          headers: {
            authorization,
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': String(body.length),
          },
          ...(ca ? { ca } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
        req.on('error', () => {
          // Network errors, TLS failures and the timeout alike: the provider could not be reached.
          reject(new SmsError('unavailable'));
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= RESPONSE_LIMIT) chunks.push(chunk);
          });
          res.on('error', () => {
            reject(new SmsError('unavailable'));
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              resolve();
              return;
            }
            const code = errorCode(Buffer.concat(chunks).toString('utf8'));
            reject(new SmsError(classifyTwilio(status, code), status, code));
          });
        });
        req.end(body);
      });
    },
  };
}

/** The `code` of Twilio's error body ({"code", "message", "more_info", "status"}); its message is not kept. */
function errorCode(body: string): number | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'code' in parsed) {
      const code = parsed.code;
      return typeof code === 'number' && Number.isInteger(code) ? code : null;
    }
  } catch {
    // Not JSON: an error page from a proxy or load balancer.
  }
  return null;
}
