import { z } from 'zod';

/** TLSGATE_SMS_PROVIDER and the Twilio settings (docs/deploy.md, "SMS codes (Twilio)"). */

export type SmsProviderName = 'log' | 'twilio';

export interface TwilioConfig {
  /** The account the messages are created in (the URL path); AC followed by 32 hex digits. */
  accountSid: string;
  /** HTTP Basic credentials: the Account SID and Auth Token, or an API key SID and its secret. */
  username: string;
  password: string;
  /** Exactly one of a sender (E.164 number or alphanumeric sender ID) and a Messaging Service. */
  from: string | null;
  messagingServiceSid: string | null;
  /** Where the REST API is, without a trailing slash; https only. */
  baseUrl: string;
}

export interface SmsConfig {
  /** null: SMS codes cannot be offered. `log` is for development and refused in production. */
  smsProvider: SmsProviderName | null;
  twilio: TwilioConfig | null;
}

const sid = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be ${what} (${prefix} and 32 hex digits)`);
const E164 = /^\+[1-9]\d{1,14}$/;
// Twilio's alphanumeric sender IDs: up to 11 letters, digits and spaces, at least one letter.
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** Merged into the environment schema in config.ts, so one pass reports every bad value. */
export const SMS_ENV = {
  TLSGATE_SMS_PROVIDER: z
    .enum(['twilio', 'log'], { error: 'use "twilio" (or "log" in development)' })
    .optional(),
  TLSGATE_TWILIO_ACCOUNT_SID: sid('AC', 'the Account SID').optional(),
  TLSGATE_TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the Auth Token from the Twilio console').optional(),
  TLSGATE_TWILIO_API_KEY_SID: sid('SK', 'an API key SID').optional(),
  TLSGATE_TWILIO_API_KEY_SECRET: z.string().min(16, "must be the API key's secret").optional(),
  TLSGATE_TWILIO_FROM: z
    .string()
    .refine(
      (value) => E164.test(value) || SENDER_ID.test(value),
      'give a number in E.164 form (+31612345678) or an alphanumeric sender ID (up to 11 characters)',
    )
    .optional(),
  TLSGATE_TWILIO_MESSAGING_SERVICE_SID: sid('MG', 'a Messaging Service SID').optional(),
  TLSGATE_TWILIO_BASE_URL: z
    .url({ protocol: /^https$/, error: 'must be an https:// URL' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
};

type SmsEnv = { [K in keyof typeof SMS_ENV]?: z.infer<(typeof SMS_ENV)[K]> };

/** The SMS settings, or null with every problem recorded in `problems` (one line each). */
export function smsConfig(e: SmsEnv, production: boolean, problems: string[]): SmsConfig {
  const none: SmsConfig = { smsProvider: null, twilio: null };
  const twilioVars = (Object.keys(e) as Array<keyof SmsEnv>).filter(
    (name) => name.startsWith('TLSGATE_TWILIO_') && e[name] !== undefined,
  );
  if (e.TLSGATE_SMS_PROVIDER !== 'twilio' && twilioVars.length > 0)
    problems.push(`${twilioVars.join(', ')}: set TLSGATE_SMS_PROVIDER=twilio to use Twilio.`);
  if (e.TLSGATE_SMS_PROVIDER === undefined) return none;
  if (e.TLSGATE_SMS_PROVIDER === 'log') {
    if (production)
      problems.push(
        'TLSGATE_SMS_PROVIDER=log writes sign-in codes to the log; it is for development only and refused with NODE_ENV=production: use twilio.',
      );
    return { smsProvider: 'log', twilio: null };
  }

  const before = problems.length;
  if (e.TLSGATE_TWILIO_ACCOUNT_SID === undefined)
    problems.push('TLSGATE_TWILIO_ACCOUNT_SID is required with TLSGATE_SMS_PROVIDER=twilio.');
  const token = e.TLSGATE_TWILIO_AUTH_TOKEN;
  const keySid = e.TLSGATE_TWILIO_API_KEY_SID;
  const keySecret = e.TLSGATE_TWILIO_API_KEY_SECRET;
  if ((keySid === undefined) !== (keySecret === undefined))
    problems.push('TLSGATE_TWILIO_API_KEY_SID and TLSGATE_TWILIO_API_KEY_SECRET go together.');
  else if ((token === undefined) === (keySid === undefined))
    problems.push(
      'Twilio: give TLSGATE_TWILIO_AUTH_TOKEN, or TLSGATE_TWILIO_API_KEY_SID with TLSGATE_TWILIO_API_KEY_SECRET (one of the two).',
    );
  const from = e.TLSGATE_TWILIO_FROM ?? null;
  const service = e.TLSGATE_TWILIO_MESSAGING_SERVICE_SID ?? null;
  if ((from === null) === (service === null))
    problems.push(
      'Twilio: give TLSGATE_TWILIO_FROM or TLSGATE_TWILIO_MESSAGING_SERVICE_SID (one of the two).',
    );
  if (problems.length > before) return none;
  const accountSid = e.TLSGATE_TWILIO_ACCOUNT_SID ?? '';
  return {
    smsProvider: 'twilio',
    twilio: {
      accountSid,
      username: keySid ?? accountSid,
      password: keySecret ?? token ?? '',
      from,
      messagingServiceSid: service,
      baseUrl: e.TLSGATE_TWILIO_BASE_URL ?? 'https://api.twilio.com',
    },
  };
}

/** The banner's SMS line, secrets hidden. */
export function describeSms(config: SmsConfig): string {
  const twilio = config.twilio;
  if (config.smsProvider === 'twilio' && twilio)
    return `twilio (account ${twilio.accountSid}, ${twilio.from ? `from ${twilio.from}` : `messaging service ${twilio.messagingServiceSid ?? ''}`}, ${twilio.username === twilio.accountSid ? 'auth token' : `API key ${twilio.username}`} set (hidden), ${twilio.baseUrl})`;
  return config.smsProvider === 'log' ? 'log (development: codes in the log)' : 'none (no SMS codes)';
}
