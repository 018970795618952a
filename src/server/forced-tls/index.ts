import type { FastifyInstance } from 'fastify';
import type { DomainHealth, HealthResponse } from '../../contract/forced-tls';
import { canonicalDomain } from '../lookup';
import { ApiError } from '../errors';
import { smtpMailer, type Mailer } from '../portal/mailer';
import { HEALTH_RETENTION_MS } from '../store/health-store';
import { healthAlerts } from './alert-messages';
import { createAlertDelivery } from './alerts';
import { createHealthMonitor } from './health-monitor';
import { domainHealth, healthOverview, isCheckable } from './health-view';

/** Forced-TLS health: the monitor, alert delivery and what the admin API asks of them. */

export interface HealthDeps {
  /** The clock (tests move it a day on for reminders and past retry delays). */
  now?: () => number;
  /** Replaces the TLSGATE_SMTP_URL relay for alert mail (null: none). */
  mailer?: Mailer | null;
  /** How often due domains are looked for; default every minute. 0: never (tests call runDue). */
  tickMs?: number;
  /** How often the outbox is drained besides right after a check queued alerts; default 5 s. 0: never. */
  deliveryPollMs?: number;
  /** Default 10 s. */
  webhookTimeoutMs?: number;
}

export interface ForcedTlsHealthService {
  /** Every entry of the policy with its health and history, problems first. */
  overview(): Promise<HealthResponse>;
  /** Checks one listed (not `*.`) domain now; alerts are queued, not waited for. */
  checkNow(input: string, caller: string): Promise<DomainHealth>;
  /** The scheduled check of every due domain. */
  runDue(): Promise<void>;
  /** Sends the alerts that are due. */
  deliverDue(): Promise<void>;
  /** Waits for checks' and deliveries' work under way (tests, shutdown). */
  idle(): Promise<void>;
}

const DEFAULT_TICK_MS = 60_000;
const DEFAULT_DELIVERY_POLL_MS = 5_000;

/** Starts forced-TLS health for the app, or returns null when its store keeps no health. */
export function startForcedTlsHealth(
  app: FastifyInstance,
  deps: HealthDeps = {},
): ForcedTlsHealthService | null {
  const { store, config, fleet, lookup, policy } = app.services;
  const healthStore = store.health;
  if (!healthStore) {
    app.log.warn('forced TLS health: this store has no health tables; monitoring is off');
    return null;
  }
  const now = deps.now ?? Date.now;
  const settings = config.health;
  const smtp = config.portal.smtp;
  const mailer =
    deps.mailer !== undefined
      ? deps.mailer
      : smtp && settings.alertEmails.length > 0
        ? smtpMailer(smtp)
        : null;
  const channels = {
    publicUrl: config.publicUrl,
    email: settings.alertEmails.length > 0 && mailer !== null,
    webhook: settings.alertWebhookUrl !== null,
  };
  const delivery = createAlertDelivery({
    store: healthStore,
    fleet,
    mailer,
    emails: settings.alertEmails,
    webhookUrl: settings.alertWebhookUrl,
    log: app.log,
    now,
    ...(deps.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: deps.webhookTimeoutMs } : {}),
  });
  const monitor = createHealthMonitor({
    store: healthStore,
    lookup,
    policy,
    fleet,
    log: app.log,
    now,
    intervalMs: settings.intervalMs,
    alertsFor: (event, record) => healthAlerts(event, record, channels),
    onQueued: () => {
      delivery.kick();
    },
  });

  let running: Promise<void> | null = null;
  const runDue = (): Promise<void> => {
    running ??= monitor
      .runDue()
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'forced TLS health: the scheduled check failed');
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, run: () => unknown): void => {
    if (ms <= 0) return;
    const timer = setInterval(run, ms);
    timer.unref();
    timers.push(timer);
  };
  every(deps.tickMs ?? DEFAULT_TICK_MS, () => void runDue());
  every(deps.deliveryPollMs ?? DEFAULT_DELIVERY_POLL_MS, () => {
    delivery.kick();
  });

  const idle = async (): Promise<void> => {
    await running;
    await delivery.idle();
  };
  app.addHook('onClose', async () => {
    for (const timer of timers) clearInterval(timer);
    await idle();
    mailer?.close();
  });

  const history = async (domains: readonly string[]) =>
    healthStore.samples(now() - HEALTH_RETENTION_MS, domains);

  return {
    async overview() {
      const entries = (await policy.current()).policy.forcedTlsDomains;
      const checkable = entries.filter(isCheckable).map((entry) => entry.domain);
      const [records, samples] = await Promise.all([healthStore.list(), history(checkable)]);
      return {
        domains: healthOverview(entries, records, samples),
        intervalSeconds: Math.round(settings.intervalMs / 1000),
        alerts: { email: channels.email, webhook: channels.webhook },
      };
    },
    async checkNow(input, caller) {
      const raw = input.trim().toLowerCase().replace(/\.$/, '');
      const entries = (await policy.current()).policy.forcedTlsDomains;
      if (raw.startsWith('*.')) {
        if (entries.some((entry) => entry.domain === raw))
          throw new ApiError(
            'FORCED_TLS_NOT_CHECKABLE',
            `${raw.slice(0, 260)} covers many domains and names none to check; add the ones to check as entries of their own.`,
          );
        throw new ApiError('FORCED_TLS_NOT_LISTED');
      }
      const parsed = canonicalDomain(raw);
      if (!parsed.ok) throw new ApiError('INVALID_DOMAIN');
      const entry = entries.find((listed) => listed.domain === parsed.domain);
      if (!entry)
        throw new ApiError('FORCED_TLS_NOT_LISTED', `${parsed.domain} is not on the forced-TLS list.`);
      const { current } = await monitor.check(entry, caller);
      return domainHealth(entry, current, await history([entry.domain]));
    },
    runDue,
    deliverDue: () => delivery.deliverDue(),
    idle,
  };
}
