import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseDnsServer } from '../probe/dns';

/**
 * Configuration from environment variables (README "Configuration"). Checked once at start: a bad value
 * is reported in plain words and the process exits non-zero, with no stack trace.
 */

export type AuthMode = 'open' | 'entra';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** An absolute SQLite file path, or ':memory:' (tests). */
  db: string;
  dnsServers: string[] | null;
  allowPrivateNetworks: boolean;
  http: boolean;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  auth: AuthMode;
  entra: {
    tenantId: string;
    audience: string;
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
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the built add-in lives (served at /). */
  distDir: string;
  /** Folder for generated files (development certificate). */
  dataDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  TLSGATE_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  TLSGATE_DB: z.string().min(1).default('./data/tlsgate.db'),
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
  TLSGATE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  TLSGATE_RATE_LIMIT_FRESH: z.coerce.number().int().min(1).max(10_000).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

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

  if (e.TLSGATE_DB.startsWith('postgres://') || e.TLSGATE_DB.startsWith('postgresql://'))
    problems.push('TLSGATE_DB: PostgreSQL is not supported yet; give a SQLite file path.');
  const db = e.TLSGATE_DB === ':memory:' ? ':memory:' : absolute(e.TLSGATE_DB, cwd);

  if (Boolean(e.TLSGATE_TLS_CERT) !== Boolean(e.TLSGATE_TLS_KEY))
    problems.push('TLSGATE_TLS_CERT and TLSGATE_TLS_KEY go together: give both or neither.');

  let entra: Config['entra'] = null;
  if (e.TLSGATE_AUTH === 'entra') {
    if (!e.TLSGATE_ENTRA_TENANT_ID)
      problems.push('TLSGATE_ENTRA_TENANT_ID is required when TLSGATE_AUTH=entra.');
    if (!e.TLSGATE_ENTRA_AUDIENCE)
      problems.push('TLSGATE_ENTRA_AUDIENCE is required when TLSGATE_AUTH=entra.');
    const tenant = e.TLSGATE_ENTRA_TENANT_ID ?? '';
    entra = {
      tenantId: tenant.toLowerCase(),
      audience: e.TLSGATE_ENTRA_AUDIENCE ?? '',
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

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host,
    publicUrl,
    db,
    dnsServers,
    allowPrivateNetworks: e.TLSGATE_ALLOW_PRIVATE_NETWORKS,
    http: e.TLSGATE_HTTP,
    tlsCertFile: e.TLSGATE_TLS_CERT ? absolute(e.TLSGATE_TLS_CERT, cwd) : null,
    tlsKeyFile: e.TLSGATE_TLS_KEY ? absolute(e.TLSGATE_TLS_KEY, cwd) : null,
    auth: e.TLSGATE_AUTH,
    entra,
    adminToken: e.TLSGATE_ADMIN_TOKEN ?? null,
    rateLimit: { perMinute: e.TLSGATE_RATE_LIMIT, freshPerMinute: e.TLSGATE_RATE_LIMIT_FRESH },
    logLevel: e.LOG_LEVEL,
    distDir: resolve(cwd, 'dist'),
    dataDir: resolve(cwd, 'data'),
  };
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** A configuration for tests and tools, with defaults that touch nothing outside memory. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ TLSGATE_HTTP: '1', TLSGATE_DB: ':memory:', LOG_LEVEL: 'silent' }),
    ...overrides,
  };
}
