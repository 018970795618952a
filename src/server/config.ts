import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseDnsServer } from '../probe/dns';
import { addinBuildSettings, type AddinBuildSettings } from './config-addin';
import { HEALTH_ENV, healthConfig, type HealthConfig } from './config-health';
import { describeSms, SMS_ENV, smsConfig, type SmsProviderName, type TwilioConfig } from './config-sms';
import { smtpConfig, type SmtpConfig } from './config-smtp';
import { describeDatabase, isPostgresUrl, postgresUrlProblems } from './store/database-url';

export type { SmtpConfig } from './config-smtp';

/**
 * Configuration from environment variables (docs/configuration.md). Checked once at start: a bad value
 * is reported in plain words and the process exits non-zero, with no stack trace.
 */

export type AuthMode = 'open' | 'entra';

export interface Config {
  /** NODE_ENV=production: stricter checks at start. */
  production: boolean;
  /** Addresses or CIDR ranges whose X-Forwarded-* headers are believed; empty: none. */
  trustedProxies: string[];
  port: number;
  host: string;
  publicUrl: string;
  /** An absolute SQLite file path, ':memory:' (tests), or a postgres:// URL (store/open.ts). */
  db: string;
  /** PostgreSQL: connections this instance keeps at most (TLSGATE_DB_POOL). */
  dbPool: number;
  dnsServers: string[] | null;
  allowPrivateNetworks: boolean;
  http: boolean;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  auth: AuthMode;
  entra: {
    tenantId: string;
    /**
     * Accepted `aud` values (TLSGATE_ENTRA_AUDIENCE, comma separated): the API's app ID URI and, for the
     * add-in's Office SSO tokens, its client id. The first is the one the admin console asks a token for.
     */
    audience: string[];
    /** Where the signing keys are; defaults to the tenant's Microsoft endpoint. */
    jwksUrl: string;
    /** Accepted `iss` values. */
    issuers: string[];
    /** App role that grants admin. */
    adminRole: string;
    /** Group object id that grants admin, if any. */
    adminGroupId: string | null;
  } | null;
  adminToken: string | null;
  /** Requests per minute per client; forced re-probes (?fresh=1) have their own, stricter limit. */
  rateLimit: { perMinute: number; freshPerMinute: number };
  /**
   * Probes a client may start per minute (one per domain the cache cannot answer), and the instance's
   * probe queue: how many run at once and how many may wait before requests get 503 BUSY.
   */
  probes: { perMinute: number; concurrency: number; queueLimit: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the built add-in lives (served at /). */
  distDir: string;
  /** What dist/ must have been built with (ADDIN_SSO_*, ADDIN_ON_BACKEND_ERROR), to tell a stale build. */
  addin: AddinBuildSettings;
  /** Folder for generated files (development certificate, the portal's key file). */
  dataDir: string;
  /** The secure portal (docs/portal.md). */
  portal: PortalConfig;
  /** How many days of on-send activity counts are kept (today included). */
  activityRetentionDays: number;
  /** Forced-TLS health checks and where their alerts go. */
  health: HealthConfig;
  /** "Sign in with Microsoft" on /admin: the console's Entra app registration (a single-page app). */
  adminConsole: AdminConsoleSignIn | null;
}

export interface AdminConsoleSignIn {
  /** The OpenID issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0 */
  authority: string;
  clientId: string;
  /** The scope that gets an access token for this API, e.g. api://tlsgate/.default */
  scope: string;
}

export interface PortalConfig {
  /** TLSGATE_MASTER_KEY (32 bytes); null: a key file in dataDir, created on first start. */
  masterKey: Buffer | null;
  /** TLSGATE_MASTER_KEY_PREVIOUS: retired master keys that still unwrap older messages. */
  previousKeys: Buffer[];
  /** The relay for code and notification mails; null: email codes cannot be offered. */
  smtp: SmtpConfig | null;
  /** How SMS codes are sent; null: SMS codes cannot be offered. `log` is for development. */
  smsProvider: SmsProviderName | null;
  /** With `twilio`: the account, credentials and sender. */
  twilio: TwilioConfig | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One problem fits on one line; several are listed.
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0] ?? ''}`
        : `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');
const RETENTION_HINT = 'give a whole number of days from 1 to 3650';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  TLSGATE_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  TLSGATE_DB: z.string().min(1).default('./data/tlsgate.db'),
  TLSGATE_DB_POOL: z.coerce.number().int().min(1).max(1000).default(10),
  TLSGATE_DNS_SERVERS: z.string().optional(),
  TLSGATE_ALLOW_PRIVATE_NETWORKS: flag.default(false),
  TLSGATE_HTTP: flag.default(false),
  TLSGATE_TLS_CERT: z.string().min(1).optional(),
  TLSGATE_TLS_KEY: z.string().min(1).optional(),
  TLSGATE_AUTH: z.enum(['open', 'entra']).default('open'),
  TLSGATE_ENTRA_TENANT_ID: z.string().regex(GUID, 'must be a tenant GUID').optional(),
  TLSGATE_ENTRA_AUDIENCE: z.string().min(1).optional(),
  TLSGATE_ENTRA_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  TLSGATE_ENTRA_ISSUER: z.string().min(1).optional(),
  TLSGATE_ADMIN_ROLE: z.string().min(1).default('TLSGate.Admin'),
  TLSGATE_ADMIN_GROUP_ID: z.string().regex(GUID, 'must be a group object id (GUID)').optional(),
  TLSGATE_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  TLSGATE_ADMIN_CLIENT_ID: z.string().regex(GUID, 'must be the application (client) id (GUID)').optional(),
  TLSGATE_ENTRA_AUTHORITY: z.url({ protocol: /^https$/ }).optional(),
  TLSGATE_ADMIN_SCOPE: z.string().min(1).max(200).optional(),
  TLSGATE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  TLSGATE_RATE_LIMIT_FRESH: z.coerce.number().int().min(1).max(10_000).default(20),
  TLSGATE_PROBES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  TLSGATE_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  TLSGATE_PROBE_QUEUE: z.coerce.number().int().min(0).max(100_000).default(200),
  TLSGATE_ACTIVITY_RETENTION_DAYS: z.coerce
    .number({ error: RETENTION_HINT })
    .int(RETENTION_HINT)
    .min(1, RETENTION_HINT)
    .max(3650, RETENTION_HINT)
    .default(180),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
  TLSGATE_AUTH_OPEN_IN_PRODUCTION: flag.default(false),
  TLSGATE_AUTH_OPEN_PUBLIC: flag.default(false),
  TLSGATE_TRUSTED_PROXIES: z.string().optional(),
  TLSGATE_MASTER_KEY: z.string().optional(),
  TLSGATE_MASTER_KEY_PREVIOUS: z.string().optional(),
  TLSGATE_SMTP_URL: z.string().min(1).optional(),
  TLSGATE_SMTP_FROM: z.string().min(1).optional(),
  TLSGATE_SMTP_CA_FILE: z.string().min(1).optional(),
  ADDIN_SSO_CLIENT_ID: z.string().optional(),
  ADDIN_SSO_RESOURCE: z.string().optional(),
  ADDIN_ON_BACKEND_ERROR: z.string().optional(),
  ...SMS_ENV,
  ...HEALTH_ENV,
});

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;
const KEY_HINT = 'must be 32 random bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`';

/** A master key, or null with a problem recorded. */
function masterKey(name: string, value: string, problems: string[]): Buffer | null {
  const trimmed = value.trim();
  if (!BASE64_32_BYTES.test(trimmed)) {
    problems.push(`${name}: ${KEY_HINT}.`);
    return null;
  }
  return Buffer.from(trimmed, 'base64');
}

/** Reads the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  const e = parsed.data;
  const problems: string[] = [];

  let dnsServers: string[] | null = null;
  if (e.TLSGATE_DNS_SERVERS !== undefined) {
    dnsServers = e.TLSGATE_DNS_SERVERS.split(/[\s,]+/).filter(Boolean);
    for (const server of dnsServers) {
      try {
        parseDnsServer(server);
      } catch (error) {
        problems.push(`TLSGATE_DNS_SERVERS: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (dnsServers.length === 0) problems.push('TLSGATE_DNS_SERVERS: give at least one HOST[:PORT].');
  }

  const postgres = isPostgresUrl(e.TLSGATE_DB);
  if (postgres) problems.push(...postgresUrlProblems(e.TLSGATE_DB));
  const db = postgres || e.TLSGATE_DB === ':memory:' ? e.TLSGATE_DB : absolute(e.TLSGATE_DB, cwd);

  if (Boolean(e.TLSGATE_TLS_CERT) !== Boolean(e.TLSGATE_TLS_KEY))
    problems.push('TLSGATE_TLS_CERT and TLSGATE_TLS_KEY go together: give both or neither.');

  let entra: Config['entra'] = null;
  if (e.TLSGATE_AUTH === 'entra') {
    if (!e.TLSGATE_ENTRA_TENANT_ID)
      problems.push('TLSGATE_ENTRA_TENANT_ID is required when TLSGATE_AUTH=entra.');
    const audience = (e.TLSGATE_ENTRA_AUDIENCE ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
    if (audience.length === 0) problems.push('TLSGATE_ENTRA_AUDIENCE is required when TLSGATE_AUTH=entra.');
    const tenant = e.TLSGATE_ENTRA_TENANT_ID ?? '';
    entra = {
      tenantId: tenant.toLowerCase(),
      audience,
      jwksUrl: e.TLSGATE_ENTRA_JWKS_URL ?? `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
      issuers: e.TLSGATE_ENTRA_ISSUER
        ? [e.TLSGATE_ENTRA_ISSUER]
        : [`https://login.microsoftonline.com/${tenant}/v2.0`, `https://sts.windows.net/${tenant}/`],
      adminRole: e.TLSGATE_ADMIN_ROLE,
      adminGroupId: e.TLSGATE_ADMIN_GROUP_ID?.toLowerCase() ?? null,
    };
  }

  // Open auth serves anyone who can reach it, so it stays on loopback unless HOST says otherwise.
  const host = e.HOST ?? (e.TLSGATE_AUTH === 'open' ? '127.0.0.1' : '0.0.0.0');
  const scheme = e.TLSGATE_HTTP ? 'http' : 'https';
  const publicUrl = e.TLSGATE_PUBLIC_URL ?? `${scheme}://localhost:${e.PORT}`;

  const portalMasterKey =
    e.TLSGATE_MASTER_KEY === undefined
      ? null
      : masterKey('TLSGATE_MASTER_KEY', e.TLSGATE_MASTER_KEY, problems);
  const previousKeys = (e.TLSGATE_MASTER_KEY_PREVIOUS ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((value) => masterKey('TLSGATE_MASTER_KEY_PREVIOUS', value, problems))
    .filter((key) => key !== null);
  let smtp: SmtpConfig | null = null;
  if (e.TLSGATE_SMTP_URL !== undefined)
    smtp = smtpConfig(e.TLSGATE_SMTP_URL, e.TLSGATE_SMTP_FROM, e.TLSGATE_SMTP_CA_FILE, cwd, problems);
  else if (e.TLSGATE_SMTP_FROM !== undefined || e.TLSGATE_SMTP_CA_FILE !== undefined)
    problems.push('TLSGATE_SMTP_FROM and TLSGATE_SMTP_CA_FILE need TLSGATE_SMTP_URL.');

  if (
    openAdminExposed({ auth: e.TLSGATE_AUTH, host, adminToken: e.TLSGATE_ADMIN_TOKEN ?? null }) &&
    !e.TLSGATE_AUTH_OPEN_PUBLIC
  )
    problems.push(
      `HOST=${host} with TLSGATE_AUTH=open and no TLSGATE_ADMIN_TOKEN makes everyone who can reach the server an admin; use TLSGATE_AUTH=entra, set TLSGATE_ADMIN_TOKEN, bind HOST=127.0.0.1, or set TLSGATE_AUTH_OPEN_PUBLIC=1 if that is really meant.`,
    );

  const production = e.NODE_ENV === 'production';
  if (production && e.TLSGATE_AUTH === 'open' && !e.TLSGATE_AUTH_OPEN_IN_PRODUCTION)
    problems.push(
      'TLSGATE_AUTH=open lets anyone who can reach the server change the policy; in production use entra, or set TLSGATE_AUTH_OPEN_IN_PRODUCTION=1 if that is really meant.',
    );
  if (production && e.TLSGATE_MASTER_KEY === undefined)
    problems.push(
      'TLSGATE_MASTER_KEY is required in production: a key file next to the database would be backed up, and lost, with it.',
    );
  const sms = smsConfig(e, production, problems);
  const health = healthConfig(e, e.TLSGATE_SMTP_URL !== undefined, problems);
  const trustedProxies = (e.TLSGATE_TRUSTED_PROXIES ?? '').split(/[\s,]+/).filter(Boolean);
  for (const proxy of trustedProxies) {
    const [address = '', prefix] = proxy.split('/');
    const family = isIP(address);
    if (
      family === 0 ||
      (prefix !== undefined && !(Number(prefix) >= 0 && Number(prefix) <= (family === 4 ? 32 : 128)))
    )
      problems.push(`TLSGATE_TRUSTED_PROXIES: "${proxy.slice(0, 60)}" is not an IP address or CIDR range.`);
  }

  let adminConsole: AdminConsoleSignIn | null = null;
  if (e.TLSGATE_ADMIN_CLIENT_ID) {
    if (!entra) problems.push('TLSGATE_ADMIN_CLIENT_ID needs TLSGATE_AUTH=entra.');
    else
      adminConsole = {
        authority: (
          e.TLSGATE_ENTRA_AUTHORITY ?? `https://login.microsoftonline.com/${entra.tenantId}/v2.0`
        ).replace(/\/+$/, ''),
        clientId: e.TLSGATE_ADMIN_CLIENT_ID,
        scope: e.TLSGATE_ADMIN_SCOPE ?? `${(entra.audience[0] ?? '').replace(/\/+$/, '')}/.default`,
      };
  }

  const addin = addinBuildSettings(
    {
      ADDIN_SSO_CLIENT_ID: e.ADDIN_SSO_CLIENT_ID,
      ADDIN_SSO_RESOURCE: e.ADDIN_SSO_RESOURCE,
      ADDIN_ON_BACKEND_ERROR: e.ADDIN_ON_BACKEND_ERROR,
    },
    publicUrl,
    problems,
  );

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    production,
    trustedProxies,
    port: e.PORT,
    host,
    publicUrl,
    db,
    dbPool: e.TLSGATE_DB_POOL,
    dnsServers,
    allowPrivateNetworks: e.TLSGATE_ALLOW_PRIVATE_NETWORKS,
    http: e.TLSGATE_HTTP,
    tlsCertFile: e.TLSGATE_TLS_CERT ? absolute(e.TLSGATE_TLS_CERT, cwd) : null,
    tlsKeyFile: e.TLSGATE_TLS_KEY ? absolute(e.TLSGATE_TLS_KEY, cwd) : null,
    auth: e.TLSGATE_AUTH,
    entra,
    adminToken: e.TLSGATE_ADMIN_TOKEN ?? null,
    rateLimit: { perMinute: e.TLSGATE_RATE_LIMIT, freshPerMinute: e.TLSGATE_RATE_LIMIT_FRESH },
    probes: {
      perMinute: e.TLSGATE_PROBES_PER_MINUTE,
      concurrency: e.TLSGATE_PROBE_CONCURRENCY,
      queueLimit: e.TLSGATE_PROBE_QUEUE,
    },
    logLevel: e.LOG_LEVEL,
    distDir: resolve(cwd, 'dist'),
    addin,
    dataDir: resolve(cwd, 'data'),
    portal: {
      masterKey: portalMasterKey,
      previousKeys,
      smtp,
      ...sms,
    },
    activityRetentionDays: e.TLSGATE_ACTIVITY_RETENTION_DAYS,
    health,
    adminConsole,
  };
}

/** Whether `host` is a loopback address (or localhost): only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.replace(/^::ffff:/, '');
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Open auth without an admin token makes every caller an admin; on anything but loopback that is
 * everyone on the network (TLSGATE_AUTH_OPEN_PUBLIC=1 accepts it, loudly).
 */
export function openAdminExposed(config: Pick<Config, 'auth' | 'host' | 'adminToken'>): boolean {
  return config.auth === 'open' && config.adminToken === null && !isLoopbackHost(config.host);
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * A configuration for tests and tools, with defaults that touch nothing outside memory (a fresh portal
 * master key, so no key file is written).
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      TLSGATE_HTTP: '1',
      TLSGATE_DB: ':memory:',
      LOG_LEVEL: 'silent',
      TLSGATE_MASTER_KEY: randomBytes(32).toString('base64'),
    }),
    ...overrides,
  };
}

/** The effective configuration on one screen, secrets hidden, for the production start banner. */
export function describeConfig(config: Config): string[] {
  const hidden = (value: unknown): string => (value ? 'set (hidden)' : 'not set');
  const smtp = config.portal.smtp;
  return [
    `  Mode:          ${config.production ? 'production' : 'development'}`,
    `  Listen:        ${config.http ? 'http' : 'https'} on ${config.host}:${config.port}`,
    `  Public URL:    ${config.publicUrl}`,
    `  TLS:           ${config.http ? 'terminated by a proxy (TLSGATE_HTTP=1)' : config.tlsCertFile ? config.tlsCertFile : 'development certificate'}`,
    `  Proxies:       ${config.trustedProxies.length ? config.trustedProxies.join(', ') : 'none trusted (X-Forwarded-* ignored)'}`,
    `  Database:      ${describeDatabase(config.db)}${isPostgresUrl(config.db) ? `, pool ${config.dbPool}` : ''}`,
    `  Auth:          ${config.auth}${config.entra ? ` (tenant ${config.entra.tenantId}, audience ${config.entra.audience.join(', ')}, admin role ${config.entra.adminRole}${config.entra.adminGroupId ? `, admin group ${config.entra.adminGroupId}` : ''})` : ''}`,
    `  Admin token:   ${hidden(config.adminToken)}`,
    `  Admin sign-in: ${config.adminConsole ? `Microsoft (client ${config.adminConsole.clientId}, ${config.adminConsole.authority})` : 'token only'}`,
    `  DNS:           ${config.dnsServers?.join(', ') ?? 'system resolvers'}${config.allowPrivateNetworks ? ', private networks allowed' : ''}`,
    `  Rate limits:   ${config.rateLimit.perMinute}/min, fresh probes ${config.rateLimit.freshPerMinute}/min per client`,
    `  Probes:        ${config.probes.perMinute}/min per client; ${config.probes.concurrency} at once, ${config.probes.queueLimit} waiting`,
    `  Master key:    ${config.portal.masterKey ? 'TLSGATE_MASTER_KEY, set (hidden)' : 'key file in the data folder'}${config.portal.previousKeys.length ? `, ${config.portal.previousKeys.length} previous` : ''}`,
    `  Mail relay:    ${smtp ? `${smtp.secure ? 'smtps' : 'smtp+STARTTLS'}://${smtp.host}:${smtp.port}, user ${smtp.user ? 'set' : 'none'}, password ${hidden(smtp.pass)}` : 'none (no email codes)'}`,
    `  SMS:           ${describeSms(config.portal)}`,
    `  Activity:      counts kept ${config.activityRetentionDays} days`,
    `  Health checks: every ${config.health.intervalMs / 60_000} min; alerts to ${config.health.alertEmails.length} address(es), webhook ${config.health.alertWebhookUrl ? 'set (hidden)' : 'none'}`,
    `  Log level:     ${config.logLevel}`,
  ];
}
