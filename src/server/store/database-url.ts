import { accessSync, constants } from 'node:fs';

/**
 * TLSGATE_DB as a PostgreSQL URL: whether a value is one, what is wrong with it (checked with the rest of
 * the configuration), how it is shown without its password, and what a failed connection is called in
 * the one line printed at start.
 */

/** A store that cannot be opened: the message is one line, safe to print (no password, no stack). */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

export function isPostgresUrl(value: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(value);
}

/** sslmode values that check the server's certificate and name, or that say plainly there is no TLS. */
const SSL_MODES = ['verify-full', 'disable'];

const isLocalHost = (host: string): boolean =>
  host.startsWith('/') || host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);

/** The problems with a postgres:// URL, each naming TLSGATE_DB; empty when it is usable. */
export function postgresUrlProblems(value: string): string[] {
  let url: URL;
  try {
    // A Unix socket URL names its folder as ?host=/path and no host before the path (postgres://user@/db).
    url = new URL(/[?&]host=\//.test(value) ? value.replace('@/', '@socket/') : value);
  } catch {
    return [
      'TLSGATE_DB: not a valid URL; give postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=verify-full.',
    ];
  }
  const problems: string[] = [];
  const host = url.searchParams.get('host') ?? url.hostname;
  if (!host) problems.push('TLSGATE_DB: the URL names no host (postgres://USER@HOST:5432/DATABASE).');
  if (url.pathname.length <= 1) problems.push('TLSGATE_DB: the URL names no database (…:5432/DATABASE).');
  const mode = url.searchParams.get('sslmode');
  if (mode !== null && !SSL_MODES.includes(mode))
    problems.push(
      `TLSGATE_DB: sslmode=${mode.slice(0, 20)} is not accepted; use sslmode=verify-full (the server's certificate and name are checked; add sslrootcert=FILE for a private CA), or sslmode=disable for a database on this machine or a network you trust.`,
    );
  if (mode === null && host && !isLocalHost(host))
    problems.push(
      `TLSGATE_DB: a database on another host needs sslmode=verify-full (or sslmode=disable to send its traffic, passwords included, in clear text).`,
    );
  for (const param of ['sslrootcert', 'sslcert', 'sslkey']) {
    const file = url.searchParams.get(param);
    if (file === null) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      problems.push(`TLSGATE_DB: ${param} file ${file} cannot be read.`);
    }
  }
  return problems;
}

/** TLSGATE_DB for a banner or a log: a SQLite path as it is, a URL without its password. */
export function describeDatabase(value: string): string {
  if (!isPostgresUrl(value)) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

/** "PostgreSQL at HOST:PORT/DATABASE", with no user or password. */
function where(value: string): string {
  try {
    const url = new URL(value);
    const host = url.searchParams.get('host') ?? url.host;
    return `PostgreSQL at ${host}${url.port || host.startsWith('/') ? '' : ':5432'}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/;

/** Why a connection or the schema set-up failed, in words; never the URL's password. */
function reason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? (e.message.split('\n')[0] ?? '') : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running, and on that port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'no answer in time';
  if (code === 'ECONNRESET') return 'the server closed the connection';
  if (code === '28P01' || code === '28000') return `authentication failed: ${message}`;
  if (code === '3D000') return `${message} (create it first)`;
  if (code === '42501') return `the user may not create the tables: ${message}`;
  if (/does not support SSL/i.test(message))
    return 'TLS check failed: the server does not offer TLS, and sslmode=verify-full requires it';
  if (TLS_CODES.test(code)) return `TLS check failed: ${code} (${message})`;
  return message.slice(0, 300);
}

/** The one line for an error opening the PostgreSQL store named by `setting` (the variable or option). */
export function describePostgresError(error: unknown, value: string, setting = 'TLSGATE_DB'): string {
  return `${setting}: cannot use ${where(value)}: ${reason(error)}.`;
}
