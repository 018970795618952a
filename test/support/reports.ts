import type { DomainReport, Finding, MxReport, TlsInfo } from '../../src/core/report';
import type { DomainStatus } from '../../src/core/status';

/**
 * DomainReports shaped like the probe's, for tests and benchmarks of the UI: what a real lookup of such a
 * domain returns (MX hosts with TLS details, MTA-STS, DANE, TLS-RPT, findings), without the network.
 */

export const CHECKED_AT = '2026-11-20T09:30:00.000Z';

export function tls(overrides: Partial<TlsInfo> = {}): TlsInfo {
  return {
    version: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    trusted: true,
    trustError: null,
    nameMatches: true,
    legacy: false,
    subject: 'CN=mx.example',
    sans: [],
    issuer: "C=US, O=Let's Encrypt, CN=R11",
    notBefore: '2026-10-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    chain: [],
    ...overrides,
  };
}

export function mx(host: string, preference: number, overrides: Partial<MxReport> = {}): MxReport {
  return {
    host,
    preference,
    implicit: false,
    addresses: ['192.0.2.25'],
    probedAddress: '192.0.2.25',
    reachable: true,
    starttls: true,
    requireTls: false,
    tls: tls({ subject: `CN=${host}`, sans: [host] }),
    dane: { state: 'none', records: [], matched: null },
    mtaStsMatch: null,
    ...overrides,
  };
}

export function report(
  domain: string,
  status: DomainStatus,
  overrides: Partial<DomainReport> = {},
): DomainReport {
  return {
    input: domain,
    domain,
    status,
    enforcement: [],
    mx: [],
    mtaSts: { record: null, id: null, mode: null, mx: [], max_age: null, error: null },
    tlsRpt: { present: false, record: null },
    findings: [],
    checkedAt: CHECKED_AT,
    durationMs: 240,
    cacheTtlSeconds: 86400,
    ...overrides,
  };
}

const noSts: Finding = {
  code: 'MTA_STS_NO_RECORD',
  severity: 'info',
  message: 'No MTA-STS policy is published.',
};

/** MTA-STS enforce over two MX hosts with TLS 1.3, plus TLS-RPT. */
export function enforcedReport(domain: string): DomainReport {
  return report(domain, 'enforced', {
    enforcement: ['mta-sts'],
    mx: [
      mx(`mx1.${domain}`, 10, { mtaStsMatch: true }),
      mx(`mx2.${domain}`, 20, {
        mtaStsMatch: true,
        tls: tls({ version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' }),
      }),
    ],
    mtaSts: {
      record: 'v=STSv1; id=20261101T000000;',
      id: '20261101T000000',
      mode: 'enforce',
      mx: [`*.${domain}`],
      max_age: 604800,
      error: null,
    },
    tlsRpt: { present: true, record: `v=TLSRPTv1; rua=mailto:tlsrpt@${domain}` },
    findings: [
      {
        code: 'MTA_STS_ENFORCE',
        severity: 'info',
        message: `MTA-STS policy in enforce mode for *.${domain}.`,
      },
      { code: 'TLSRPT_PRESENT', severity: 'info', message: 'TLS-RPT is published.' },
    ],
  });
}

/** DANE-EE on the only MX, DNSSEC-validated. */
export function daneReport(domain: string): DomainReport {
  return report(domain, 'enforced', {
    enforcement: ['dane'],
    mx: [
      mx(`mail.${domain}`, 10, {
        dane: {
          state: 'valid',
          records: [{ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }],
          matched: '3 1 1',
        },
      }),
    ],
    findings: [
      noSts,
      { code: 'DANE_VALID', severity: 'info', host: `mail.${domain}`, message: 'DANE matches.' },
    ],
  });
}

/** STARTTLS everywhere, but a self-signed certificate: opportunistic. */
export function untrustedReport(domain: string): DomainReport {
  const host = `mx.${domain}`;
  return report(domain, 'opportunistic', {
    mx: [
      mx(host, 10, {
        tls: tls({
          trusted: false,
          trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
          issuer: `CN=${host}`,
          subject: `CN=${host}`,
          sans: [host],
        }),
      }),
    ],
    findings: [
      noSts,
      {
        code: 'TLS_CERT_UNTRUSTED',
        severity: 'warning',
        host,
        message: `The certificate of ${host} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT).`,
      },
    ],
  });
}

/** The primary MX offers STARTTLS, the backup does not: `none`. */
export function backupWithoutTlsReport(domain: string): DomainReport {
  const backup = `mx2.${domain}`;
  return report(domain, 'none', {
    mx: [mx(`mx1.${domain}`, 10), mx(backup, 20, { starttls: false, tls: null })],
    findings: [
      noSts,
      {
        code: 'SMTP_NO_STARTTLS',
        severity: 'error',
        host: backup,
        message: `${backup} does not offer STARTTLS.`,
      },
      {
        code: 'SMTP_NO_STARTTLS',
        severity: 'error',
        message: `Mail to this domain can travel unencrypted: ${backup} offers no usable STARTTLS.`,
      },
    ],
  });
}

/** A report of the given status with a plausible shape, for bulk use. */
export function reportFor(domain: string, status: DomainStatus): DomainReport {
  switch (status) {
    case 'enforced':
      return enforcedReport(domain);
    case 'opportunistic':
      return untrustedReport(domain);
    case 'none':
      return backupWithoutTlsReport(domain);
    case 'no-mail':
      return report(domain, 'no-mail', {
        findings: [{ code: 'NULL_MX', severity: 'error', message: `${domain} publishes a null MX.` }],
        cacheTtlSeconds: 3600,
      });
    case 'unknown':
      return report(domain, 'unknown', {
        mx: [mx(`mx.${domain}`, 10, { reachable: false, starttls: false, tls: null })],
        findings: [
          {
            code: 'ALL_MX_UNREACHABLE',
            severity: 'error',
            message: 'No mail server of this domain could be tested, so its TLS is unknown.',
          },
        ],
        cacheTtlSeconds: 300,
      });
    case 'invalid':
      return report(domain, 'invalid', {
        findings: [{ code: 'DOMAIN_NOT_FQDN', severity: 'error', message: 'Not a domain: it has no dot.' }],
      });
  }
}

/** The API's shape: the report plus cache metadata. */
export function asLookup(value: DomainReport, expiresInMs = 3600_000) {
  return {
    ...value,
    cached: true,
    stale: false,
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  };
}
