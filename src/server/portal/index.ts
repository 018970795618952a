import type { FastifyInstance } from 'fastify';
import { portalApiRoutes } from './api';
import { loadMasterKeys } from './keys';
import { smtpMailer, type Mailer } from './mailer';
import { DEFAULT_PORTAL_RATE_LIMITS, portalPages, type PortalRateLimits } from './pages';
import { createPortalService, type PortalService } from './service';
import { logSmsProvider, twilioSmsProvider, type SmsProvider, type TwilioOptions } from './sms';

/** The secure portal: the sender's API under /api/v1/portal and the recipient's pages under /portal. */

export interface PortalDeps {
  /** Replaces the TLSGATE_SMTP_URL relay (null: none). */
  mailer?: Mailer | null;
  /** Replaces TLSGATE_SMS_PROVIDER (null: none). */
  sms?: SmsProvider | null;
  /** For TLSGATE_SMS_PROVIDER=twilio: extra trust anchors and the timeout (tests' loopback stand-in). */
  twilio?: TwilioOptions;
  /** The clock (tests move it past expiries). */
  now?: () => number;
  rateLimits?: PortalRateLimits;
  /** How often expired messages are closed; default every minute. */
  purgeIntervalMs?: number;
}

/** Link tokens are secrets: logs show /portal/m/*** instead. */
export function maskPortalToken(url: string): string {
  return url.replace(/^\/portal\/m\/[^/?#]+/, '/portal/m/***');
}

export async function registerPortal(
  app: FastifyInstance,
  deps: PortalDeps = {},
): Promise<PortalService | null> {
  const { config, store } = app.services;
  if (!store.portal) {
    app.log.warn('portal: this store has no portal tables; the secure portal is off');
    return null;
  }
  const keys = loadMasterKeys(config.portal, config.dataDir);
  if (keys.created)
    app.log.warn(
      { file: keys.file },
      'portal: created a master key file; back it up, or set TLSGATE_MASTER_KEY: without it portal messages cannot be read',
    );
  const mailer =
    deps.mailer !== undefined ? deps.mailer : config.portal.smtp ? smtpMailer(config.portal.smtp) : null;
  let sms: SmsProvider | null = deps.sms ?? null;
  if (deps.sms === undefined && config.portal.twilio)
    sms = twilioSmsProvider(config.portal.twilio, deps.twilio);
  else if (deps.sms === undefined && config.portal.smsProvider === 'log') {
    app.log.warn('portal: TLSGATE_SMS_PROVIDER=log writes SMS codes to the log; for development only');
    sms = logSmsProvider(app.log);
  }
  const service = createPortalService({
    store: store.portal,
    keys: keys.ring,
    mailer,
    sms,
    publicUrl: config.publicUrl,
    log: app.log,
    ...(deps.now ? { now: deps.now } : {}),
  });

  await app.register(portalApiRoutes, { prefix: '/api/v1/portal', service });
  await app.register(portalPages, {
    prefix: '/portal',
    service,
    keys: keys.ring,
    secureCookies: config.publicUrl.startsWith('https://'),
    rateLimits: deps.rateLimits ?? DEFAULT_PORTAL_RATE_LIMITS,
  });

  // Once across the fleet: the instance that takes the job's lock sweeps, the others skip this round.
  const purge = (): void => {
    app.services.fleet
      .exclusive('portal-purge', async () => {
        await service.purge();
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'portal: closing expired messages failed');
      });
  };
  const timer = setInterval(purge, deps.purgeIntervalMs ?? 60_000);
  timer.unref();
  app.addHook('onReady', (done) => {
    purge();
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await service.idle();
    mailer?.close();
  });
  return service;
}
