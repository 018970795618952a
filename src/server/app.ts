import { existsSync } from 'node:fs';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { createAuthenticator, type Identity } from './auth';
import type { Config } from './config';
import { ApiError, ERRORS, errorBody } from './errors';
import { describeError } from './http/describe-error';
import { createRateLimiter, rateLimited } from './http/api-rate-limit';
import { API_BODY_LIMIT } from './http/limits';
import { lazyChildLogger, maskAddresses, RequestLogController, requestFields } from './http/request-log';
import type { Services } from './http/services';
import { openFleet, type Fleet } from './fleet';
import { startForcedTlsHealth, type HealthDeps } from './forced-tls';
import { createLookupService, probeWith, type ProbeFn } from './lookup';
import { createProbeBudget, createProbeQueue } from './probe-queue';
import { createPolicyService } from './policy-service';
import { registerPortal, type PortalDeps } from './portal';
import { adminConsoleRoutes } from './admin/console';
import { activityRoutes } from './routes/activity';
import { adminRoutes } from './routes/admin';
import { domainRoutes } from './routes/domains';
import { forcedTlsHealthRoutes } from './routes/forced-tls-health';
import { forcedTlsProposalRoutes } from './routes/forced-tls-proposals';
import { healthRoutes } from './routes/health';
import { policyRoutes } from './routes/policy';
import { securityHeaders } from './security-headers';
import { withReportCache } from './store/report-cache';
import { describeDatabase, openStore } from './store/open';
import type { Store } from './store/store';

export interface AppDeps {
  store?: Store;
  /** The domain probe; defaults to the real one configured from `config`. */
  probe?: ProbeFn;
  /** Extra trust anchors for the probe (tests); production uses NODE_EXTRA_CA_CERTS. */
  extraCa?: readonly string[];
  /** Where logs go (tests read them); default stdout. */
  logStream?: { write(line: string): unknown };
  /** Options passed to Fastify itself (https). */
  fastify?: Partial<FastifyServerOptions> & { https?: { cert: string | Buffer; key: string | Buffer } };
  /** The secure portal's mailer, SMS provider, clock and limits (tests, benchmarks). */
  portal?: PortalDeps;
  /** How often the probe queue is logged while busy; default every minute. */
  probeQueueLogMs?: number;
  /** How instances coordinate; default from TLSGATE_DB (fleet/index.ts). */
  fleet?: Fleet;
  /** Forced-TLS health's clock, alert mailer and timers (tests). */
  health?: HealthDeps;
}

const OFFICE_FRAME_ANCESTORS = [
  "'self'",
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.outlook.com',
  'https://outlook.live.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft.com',
];

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const migrated: number[] = [];
  // The database, and in front of it the reports this instance read or wrote lately (report-cache.ts).
  const store = withReportCache(
    deps.store ??
      (await openStore(config.db, {
        poolSize: config.dbPool,
        onMigrated: (applied) => migrated.push(...applied),
      })),
  );
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      // A request is logged by method and masked URL only, never its headers (Authorization, cookies).
      serializers: { req: requestFields },
    },
    logController: new RequestLogController(),
    childLoggerFactory: lazyChildLogger,
    // X-Forwarded-* only from the configured proxies: a forged header must not change who a client is.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: API_BODY_LIMIT,
    ...deps.fastify,
  });
  if (migrated.length > 0)
    app.log.info(
      { database: describeDatabase(config.db), schemaVersions: migrated },
      'database schema migrated',
    );
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The API speaks JSON only; anything else is refused with 415 rather than half-parsed.
  app.removeContentTypeParser('text/plain');

  // The other instances on the same database (none with SQLite): single flight, policy notices, jobs.
  const fleet = deps.fleet ?? (await openFleet(config.db, app.log));
  const policy = createPolicyService(store, Date.now, fleet);
  const lookup = createLookupService({
    store,
    // With other instances, a probe result may come from any of them: read it past the memory cache.
    ...(fleet.kind === 'local'
      ? {}
      : { fleet: { flights: fleet, read: (domain) => store.reloadReport(domain) } }),
    queue: createProbeQueue(config.probes.concurrency, config.probes.queueLimit),
    budget: createProbeBudget(config.probes.perMinute),
    probe:
      deps.probe ??
      probeWith({
        ...(config.dnsServers ? { dnsServers: config.dnsServers } : {}),
        allowPrivateNetworks: config.allowPrivateNetworks,
        ...(deps.extraCa ? { extraCa: deps.extraCa } : {}),
      }),
    forcedTlsDomains: async () => (await policy.current()).policy.forcedTlsDomains,
    peek: {
      report: (domain) => store.peekReport(domain),
      forcedTlsDomains: () => policy.peek()?.policy.forcedTlsDomains ?? null,
    },
    onBackgroundError: (domain, error) => {
      app.log.warn({ domain, err: error }, 'background refresh failed');
    },
  });
  app.decorate('services', { store, lookup, policy, config, fleet } satisfies Services);
  app.decorateRequest('identity', null);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describeError(error);
    if (status >= 500 && code !== 'BUSY') request.log.error({ err: error }, 'request failed');
    if (error instanceof ApiError && error.retryAfterSeconds !== undefined)
      void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(status).send(errorBody(code, message));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(ERRORS.NOT_FOUND.status)
      .send(
        errorBody(
          'NOT_FOUND',
          `No such route: ${request.method} ${maskAddresses(request.url.split('?')[0] ?? '')}`,
        ),
      );
  });

  const headers = securityHeaders({
    // Outlook shows the add-in in a frame, so framing is allowed for Office hosts only (CSP), not denied.
    frameguard: false,
    // Headers for retired browsers and plugins (IE8 downloads, Flash, the XSS auditor) protect no client
    // that loads the add-in, and every header is paid for on every response.
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    xDnsPrefetchControl: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'https://appsforoffice.microsoft.com'],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: OFFICE_FRAME_ANCESTORS,
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
  });
  await app.register(fastifyCors, { origin: config.publicUrl, credentials: false, maxAge: 600 });

  // One hook for headers and authentication (before rate limiting, so limits key on the signed-in
  // subject). Callback style: this runs on every request, and open auth needs no promise. Whether a
  // request needs sign-in is decided by the route the router matched, never by the raw URL: the router
  // decodes %-escapes and accepts absolute-form request lines, so "/%61pi/v1/policy" is /api/v1/policy.
  const authenticate = createAuthenticator(config);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    if (!needsIdentity(request)) {
      done();
      return;
    }
    let identity: Identity | Promise<Identity>;
    try {
      identity = authenticate(request);
    } catch (error) {
      done(error as FastifyError);
      return;
    }
    if (identity instanceof Promise) {
      identity.then(
        (resolved) => {
          request.identity = resolved;
          done();
        },
        (error: unknown) => {
          done(error as FastifyError);
        },
      );
    } else {
      request.identity = identity;
      done();
    }
  });
  // The last word before any API handler: whatever the hooks above did, no identity means no answer.
  // Then the API's rate limit, keyed on the signed-in subject (the IP without sign-in): forced re-probes
  // are limited much more strictly, as they cost real connections to other people's servers.
  const limit = createRateLimiter({ windowMs: 60_000 });
  app.addHook('preHandler', (request, reply, done) => {
    // An identity is set only for routes that need one; anything else is looked up (one routeOptions read).
    const route = request.identity === null ? routeKind(request) : 'signed-in';
    if (route === 'needs-identity') {
      done(new ApiError('UNAUTHENTICATED', 'Sign in: a bearer token is required.'));
      return;
    }
    if (route === 'other') {
      done();
      return;
    }
    const fresh = isFresh(request.query);
    const refusal = limit(
      `${request.identity?.subject ?? `ip:${request.ip}`}${fresh ? ':fresh' : ''}`,
      fresh ? config.rateLimit.freshPerMinute : config.rateLimit.perMinute,
    );
    if (refusal === null) {
      done();
      return;
    }
    void reply.headers({
      'x-ratelimit-limit': refusal.max,
      'x-ratelimit-remaining': 0,
      'x-ratelimit-reset': refusal.retryAfterSeconds,
    });
    done(rateLimited(refusal));
  });

  // The portal pages' own per-route limits (config.rateLimit); the API's is the hook above.
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    timeWindow: 60_000,
    // The add-in does not pace itself by these headers; a refused request still gets Retry-After.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError('RATE_LIMITED', `Too many requests; try again in ${context.after}.`),
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'TLS Gate API',
        version: '1.0.0',
        description: 'Recipient-domain TLS lookups and the org policy.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(healthRoutes);
  await app.register(domainRoutes, { prefix: '/api/v1' });
  await app.register(policyRoutes, { prefix: '/api/v1' });
  await app.register(activityRoutes, { prefix: '/api/v1' });
  await app.register(adminRoutes, { prefix: '/api/v1' });
  app.services.forcedTlsHealth = startForcedTlsHealth(app, deps.health);
  await app.register(forcedTlsHealthRoutes, { prefix: '/api/v1' });
  await app.register(forcedTlsProposalRoutes, { prefix: '/api/v1' });
  app.services.portal = await registerPortal(app, deps.portal);
  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());
  // Classic Outlook's JavaScript runtime makes cross-origin calls only for scripts listed here.
  app.get('/.well-known/microsoft-officeaddins-allowed.json', { schema: { hide: true } }, () => ({
    allowed: [`${config.publicUrl}/launchevent.js`],
  }));

  if (existsSync(config.distDir)) {
    await app.register(fastifyStatic, { root: config.distDir, index: false });
    // A compose window that runs the built add-in without Outlook (addin/try), for trying TLS Gate out.
    app.get('/try', { schema: { hide: true } }, (_request, reply) => reply.sendFile('try.html'));
  }
  adminConsoleRoutes(app, config);

  // The probe queue in the log once a minute while probes run or wait (docs/security.md).
  let loggedProbes = lookup.probes;
  const queueLog = setInterval(() => {
    const queue = lookup.queue();
    const started = lookup.probes - loggedProbes;
    if (queue.running + queue.queued === 0 && started === 0) return;
    loggedProbes = lookup.probes;
    app.log.info({ probeQueue: { ...queue, started } }, 'probe queue');
  }, deps.probeQueueLogMs ?? 60_000);
  queueLog.unref();

  app.addHook('onClose', async () => {
    clearInterval(queueLog);
    await lookup.idle();
    await fleet.close();
    await store.close();
  });
  return app;
}

/**
 * What the matched route asks of the preHandler hook: sign-in (none was made), the API's rate limit (a
 * public API route), or nothing (outside /api, or a route with its own limit, which the plugin applies).
 */
function routeKind(request: FastifyRequest): 'needs-identity' | 'api' | 'other' {
  const { url, config } = request.routeOptions;
  if (!isApiPath(url)) return 'other';
  if (config.public !== true) return 'needs-identity';
  return config.rateLimit === undefined ? 'api' : 'other';
}

function isApiPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/api' || url.startsWith('/api/'));
}

/** Every API route needs a signed-in caller unless it is marked public: a route that forgets gets 401. */
function needsIdentity(request: FastifyRequest): boolean {
  // One read of routeOptions: Fastify builds it afresh on every access.
  const { url, config } = request.routeOptions;
  return isApiPath(url) && config.public !== true;
}

function isFresh(query: unknown): boolean {
  const fresh = (query as Record<string, unknown> | undefined)?.fresh;
  return fresh === '1' || fresh === 'true';
}
