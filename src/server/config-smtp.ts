import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** TLSGATE_SMTP_URL and its companions (docs/portal.md, "Mail"), checked with the rest of the config. */

export interface SmtpConfig {
  /** smtp: uses STARTTLS (required), smtps: implicit TLS. */
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  pass: string | null;
  /** The From header, `addr` or `Name <addr>`. */
  from: string;
  /** PEM trust anchors for the relay's certificate, beside the system's. */
  caFile: string | null;
}

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

export function smtpConfig(
  url: string,
  from: string | undefined,
  caFile: string | undefined,
  cwd: string,
  problems: string[],
): SmtpConfig | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(
      'TLSGATE_SMTP_URL: not a URL; use smtp://user:pass@host:587 (STARTTLS) or smtps://host:465.',
    );
    return null;
  }
  const before = problems.length;
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    problems.push('TLSGATE_SMTP_URL: use smtp:// (STARTTLS, required) or smtps:// (implicit TLS).');
  if (!parsed.hostname) problems.push('TLSGATE_SMTP_URL: names no host.');
  // nodemailer reads options from the query (tls.rejectUnauthorized=false, ignoreTLS): none may weaken TLS.
  if (parsed.search || parsed.hash)
    problems.push(
      'TLSGATE_SMTP_URL: options in the URL are not accepted; TLS is always required and verified.',
    );
  if (from === undefined) problems.push('TLSGATE_SMTP_FROM is required with TLSGATE_SMTP_URL.');
  else {
    const address = /<([^<>]*)>\s*$/.exec(from)?.[1] ?? from.trim();
    if (!ADDRESS.test(address) || /[\r\n]/.test(from))
      problems.push('TLSGATE_SMTP_FROM: give an address, or "Name <address>".');
  }
  let ca: string | null = null;
  if (caFile !== undefined) {
    ca = isAbsolute(caFile) ? caFile : resolve(cwd, caFile);
    try {
      if (!readFileSync(ca, 'utf8').includes('-----BEGIN CERTIFICATE-----'))
        problems.push(`TLSGATE_SMTP_CA_FILE: ${ca} holds no PEM certificate.`);
    } catch (error) {
      problems.push(
        `TLSGATE_SMTP_CA_FILE: cannot read ${ca}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (problems.length > before) return null;
  const secure = parsed.protocol === 'smtps:';
  return {
    secure,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    user: parsed.username ? decodeURIComponent(parsed.username) : null,
    pass: parsed.password ? decodeURIComponent(parsed.password) : null,
    from: from ?? '',
    caFile: ca,
  };
}
