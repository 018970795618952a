import http from 'node:http';
import https from 'node:https';
import type { Fleet } from '../fleet';
import type { Mailer } from '../portal/mailer';
import type { HealthStore, QueuedAlert } from '../store/health-store';
import type { EmailPayload } from './alert-messages';

/**
 * Sends queued alerts (the outbox in the store) by mail through the relay and as a JSON POST to the
 * webhook. A drain runs once across the fleet (fleet.exclusive('alert-delivery')) every few seconds and
 * right after alerts are queued; it never runs inside a request or the monitor, which only queue. A failed
 * attempt is retried with backoff (30 s, 2 min, 10 min, 1 h, then every 6 h) and given up after 3 days.
 */

export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000] as const;
const THEN_EVERY_MS = 6 * 3_600_000;
export const GIVE_UP_AFTER_MS = 3 * 86_400_000;
/** How long a claimed alert is held by the instance sending it (longer than any send may take). */
const LEASE_MS = 5 * 60_000;
const BATCH = 20;
const MAX_BATCHES = 10;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** What is read of a webhook's answer before the connection is dropped: it is not used. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** When to try again after `attempts` failed attempts, or null to give up. */
export function retryAt(attempts: number, createdAt: number, now: number): number | null {
  const at = now + (RETRY_DELAYS_MS[attempts - 1] ?? THEN_EVERY_MS);
  return at - createdAt > GIVE_UP_AFTER_MS ? null : at;
}

/**
 * POSTs `body` as JSON and resolves on a 2xx answer; rejects on anything else, a redirect included (never
 * followed), and when there is no answer within `timeoutMs`. The answer's body is ignored.
 */
export function postJson(url: string, body: unknown, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<void> {
  const target = new URL(url);
  const data = Buffer.from(JSON.stringify(body));
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<void>((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(data.length),
        'user-agent': 'TLS-Gate-alerts',
      },
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      clearTimeout(timer);
      const status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      response.on('error', () => undefined);
      if (status >= 200 && status < 300) resolve();
      else if (status >= 300 && status < 400)
        reject(new Error(`HTTP ${status} (redirects are not followed)`));
      else reject(new Error(`HTTP ${status}`));
    });
    request.end(data);
  });
}

export interface AlertDeliveryOptions {
  store: HealthStore;
  fleet: Pick<Fleet, 'exclusive'>;
  /** The relay; null: alert mail cannot be sent. */
  mailer: Mailer | null;
  emails: readonly string[];
  webhookUrl: string | null;
  log: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
  };
  now: () => number;
  webhookTimeoutMs?: number;
}

export interface AlertDelivery {
  /** Sends every alert that is due, once across the fleet. Never rejects: failures are rescheduled. */
  deliverDue(): Promise<void>;
  /** Starts deliverDue without waiting for it (after alerts were queued). */
  kick(): void;
  /** Waits for a drain under way. */
  idle(): Promise<void>;
}

/** Why an attempt failed, in a few words: no URL, address or message text. */
function describe(error: unknown): string {
  // Duck-typed: errors from Node's own modules need not be instances of this realm's Error.
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

export function createAlertDelivery(options: AlertDeliveryOptions): AlertDelivery {
  const { store, log, now } = options;

  const send = async (alert: QueuedAlert): Promise<void> => {
    if (alert.channel === 'email') {
      if (!options.mailer || options.emails.length === 0) throw new Error('alert mail is not configured');
      const mail = alert.payload as EmailPayload;
      await options.mailer.send({ to: options.emails.join(', '), subject: mail.subject, text: mail.text });
    } else {
      if (options.webhookUrl === null) throw new Error('no alert webhook is configured');
      await postJson(options.webhookUrl, alert.payload, options.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS);
    }
  };

  const attempt = async (alert: QueuedAlert): Promise<void> => {
    const fields = { alert: alert.id, channel: alert.channel, attempts: alert.attempts };
    try {
      await send(alert);
      await store.alertSent(alert.id, now());
      log.info(fields, 'alert sent');
    } catch (error) {
      const reason = describe(error);
      const next = retryAt(alert.attempts, alert.createdAt, now());
      await store.alertFailed(alert.id, reason, next);
      if (next === null) log.error({ ...fields, reason }, 'alert given up after 3 days of failed attempts');
      else
        log.warn({ ...fields, reason, retryAt: new Date(next).toISOString() }, 'alert not sent; will retry');
    }
  };

  const drain = async (): Promise<void> => {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const due = await store.claimAlerts(now(), LEASE_MS, BATCH);
      // One alert at a time per channel, both channels at once: a slow webhook does not hold up the mail.
      await Promise.all(
        (['email', 'webhook'] as const).map(async (channel) => {
          for (const alert of due.filter((queued) => queued.channel === channel)) await attempt(alert);
        }),
      );
      if (due.length < BATCH) return;
    }
  };

  let running: Promise<void> | null = null;
  // Alerts queued while a drain runs may have been claimed too late for it: one more drain follows.
  let again = false;
  const takeAgain = (): boolean => {
    const value = again;
    again = false;
    return value;
  };
  const deliverDue = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        await options.fleet.exclusive('alert-delivery', drain).catch((error: unknown) => {
          log.error({ err: error }, 'alert delivery failed');
        });
      } while (takeAgain());
    })().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    deliverDue,
    kick() {
      void deliverDue();
    },
    idle: async () => {
      await running;
    },
  };
}
