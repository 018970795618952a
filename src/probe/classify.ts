import type { DomainStatus, Enforcement } from '../core/status';
import type { Finding, MtaStsReport, MxReport } from '../core/report';

/**
 * The status contract (README "Statuses"), as a pure function of what the probe observed about a domain
 * whose MX hosts were found. `no-mail`, `invalid` and DNS failures are decided before this point.
 */

export interface MxClassification {
  status: Extract<DomainStatus, 'enforced' | 'opportunistic' | 'none' | 'unknown'>;
  enforcement: Enforcement[];
  findings: Finding[];
}

/** TLS a sender that insists on it would accept: a completed handshake, TLS 1.2+, a trusted chain naming the host. */
function hasVerifiedTls(host: MxReport): boolean {
  return host.tls !== null && !host.tls.legacy && host.tls.trusted && host.tls.nameMatches;
}

export function classifyMx(
  hosts: readonly MxReport[],
  mtaSts: MtaStsReport,
  /** The MX answer (or, for an implicit MX, the address answer) was DNSSEC-authenticated. */
  mxAuthenticated: boolean,
): MxClassification {
  const findings: Finding[] = [];
  const answered = hosts.filter((host) => host.reachable);
  if (answered.length === 0) {
    findings.push({
      code: 'ALL_MX_UNREACHABLE',
      severity: 'error',
      message: 'No mail server of this domain could be tested, so its TLS is unknown.',
    });
    return { status: 'unknown', enforcement: [], findings };
  }

  // The weakest MX decides: an attacker who blocks the others pushes delivery to it.
  const clear = answered.filter((host) => !host.starttls);
  if (clear.length > 0) {
    const names = clear.map((host) => host.host).join(', ');
    findings.push({
      code: 'SMTP_NO_STARTTLS',
      severity: 'error',
      message: `Mail to this domain can travel unencrypted: ${names} ${clear.length === 1 ? 'offers' : 'offer'} no usable STARTTLS.`,
    });
    return { status: 'none', enforcement: [], findings };
  }

  const enforcement: Enforcement[] = [];

  if (mtaSts.mode === 'enforce' && mtaSts.error === null) {
    const unmatched = hosts.filter((host) => host.mtaStsMatch !== true);
    const unverified = answered.filter((host) => !hasVerifiedTls(host));
    for (const host of unmatched)
      findings.push({
        code: 'MTA_STS_MX_MISMATCH',
        severity: 'warning',
        host: host.host,
        message: `MX ${host.host} is not covered by the MTA-STS mx patterns (${mtaSts.mx.join(', ') || 'none'}).`,
      });
    if (unmatched.length === 0 && unverified.length === 0) enforcement.push('mta-sts');
    else if (unverified.length > 0)
      findings.push({
        code: 'MTA_STS_ENFORCE',
        severity: 'warning',
        message: `MTA-STS is in enforce mode, but ${unverified.map((host) => host.host).join(', ')} ${unverified.length === 1 ? 'does' : 'do'} not present verifiable modern TLS, so it cannot be relied on.`,
      });
  }

  const withTlsa = hosts.filter(
    (host) => host.dane.state !== 'none' && host.dane.state !== 'unauthenticated',
  );
  if (withTlsa.length > 0) {
    const daneHolds =
      hosts.every((host) => host.dane.state === 'valid' || host.dane.state === 'untested') &&
      answered.every((host) => host.dane.state === 'valid' && host.tls !== null && !host.tls.legacy);
    if (!mxAuthenticated) {
      findings.push({
        code: 'DANE_MX_INSECURE',
        severity: 'warning',
        message:
          'TLSA records exist, but the MX records are not DNSSEC-authenticated, so DANE does not apply.',
      });
    } else if (withTlsa.length < hosts.length) {
      const missing = hosts.filter((host) => !withTlsa.includes(host)).map((host) => host.host);
      findings.push({
        code: 'DANE_PARTIAL',
        severity: 'warning',
        message: `DANE covers only some MX hosts; ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no authenticated TLSA records.`,
      });
    } else if (daneHolds) {
      enforcement.push('dane');
    }
  }

  return { status: enforcement.length > 0 ? 'enforced' : 'opportunistic', enforcement, findings };
}

export const CACHE_TTL_SECONDS = {
  max: 24 * 3600,
  min: 60,
  unknown: 5 * 60,
  noMail: 3600,
  invalid: 24 * 3600,
} as const;

/** How long an answer may be cached: up to a day, never longer than the MTA-STS max_age. */
export function cacheTtlSeconds(status: DomainStatus, mtaStsMaxAge: number | null): number {
  switch (status) {
    case 'unknown':
      return CACHE_TTL_SECONDS.unknown;
    case 'no-mail':
      return CACHE_TTL_SECONDS.noMail;
    case 'invalid':
      return CACHE_TTL_SECONDS.invalid;
    case 'enforced':
    case 'opportunistic':
    case 'none':
      return mtaStsMaxAge === null
        ? CACHE_TTL_SECONDS.max
        : Math.max(CACHE_TTL_SECONDS.min, Math.min(CACHE_TTL_SECONDS.max, mtaStsMaxAge));
  }
}
