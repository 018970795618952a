import type { DaneInfo, Finding, FindingCode, MtaStsReport, MxReport } from '../core/report';
import type { DuplicateField } from './mta-sts-parse';

/**
 * The findings a check reports about what it observed, with their stable codes and readable messages, kept
 * in one place so the wording of a report can be read (and changed) without the probing around it. The
 * findings that explain a status are classify.ts's.
 */

// --- the domain's MX records ---

export function dnsFailedFinding(message: string): Finding {
  return { code: 'DNS_FAILED', severity: 'error', message };
}

export function nxdomainFinding(domain: string): Finding {
  return { code: 'DNS_NXDOMAIN', severity: 'error', message: `${domain} does not exist in DNS.` };
}

export function nullMxFinding(domain: string): Finding {
  return {
    code: 'NULL_MX',
    severity: 'info',
    message: `${domain} publishes a null MX (RFC 7505): it accepts no mail.`,
  };
}

export function nullMxWithOtherMxFinding(): Finding {
  return {
    code: 'NULL_MX_WITH_OTHER_MX',
    severity: 'warning',
    message: 'A null MX stands beside other MX records, which RFC 7505 forbids; the other records are used.',
  };
}

export function noMailHostFinding(domain: string): Finding {
  return {
    code: 'NO_MAIL_HOST',
    severity: 'error',
    message: `${domain} has neither MX nor address records, so no mail can be delivered to it.`,
  };
}

export function implicitMxFinding(domain: string): Finding {
  return {
    code: 'IMPLICIT_MX',
    severity: 'info',
    message: `${domain} has no MX records; its own address receives mail (RFC 5321 §5.1).`,
  };
}

export function tooManyMxFinding(domain: string, count: number, tested: number): Finding {
  return {
    code: 'MX_TOO_MANY',
    severity: 'warning',
    message: `${domain} lists ${count} MX hosts; only the ${tested} most preferred were tested.`,
  };
}

// --- one MX host ---

export function mxHostDnsFailedFinding(host: string, message: string): Finding {
  return { code: 'MX_HOST_DNS_FAILED', severity: 'warning', host, message };
}

export function mxHostNoAddressFinding(host: string): Finding {
  return {
    code: 'MX_HOST_NO_ADDRESS',
    severity: 'warning',
    host,
    message: `MX ${host} has no address records.`,
  };
}

/** `reason` says why `address` was not contacted, e.g. "private" or "NAT64 of 10.0.0.1 (private)". */
export function privateMxAddressFinding(host: string, address: string, reason: string): Finding {
  return {
    code: 'PRIVATE_ADDRESS_REFUSED',
    severity: 'warning',
    host,
    message: `MX ${host} resolves to ${address} (${reason}); private addresses are not contacted.`,
  };
}

/** A probe that went wrong; a server that answered and then failed is worse than one that never did. */
export function smtpFailureFinding(
  host: string,
  failure: { code: FindingCode; message: string },
  answered: boolean,
): Finding {
  return { code: failure.code, severity: answered ? 'error' : 'warning', host, message: failure.message };
}

export function requireTlsFinding(host: string): Finding {
  return {
    code: 'SMTP_REQUIRETLS',
    severity: 'info',
    host,
    message: `${host} supports REQUIRETLS (RFC 8689).`,
  };
}

export function tlsFindings(host: string, tls: NonNullable<MxReport['tls']>): Finding[] {
  const findings: Finding[] = [];
  if (tls.legacy)
    findings.push({
      code: 'TLS_LEGACY_VERSION',
      severity: 'warning',
      host,
      message: `${host} negotiated ${tls.version}, a legacy TLS version.`,
    });
  if (tls.trustError === 'CERT_HAS_EXPIRED')
    findings.push({
      code: 'TLS_CERT_EXPIRED',
      severity: 'warning',
      host,
      message: `The certificate of ${host} expired on ${tls.notAfter}.`,
    });
  else if (!tls.trusted)
    findings.push({
      code: 'TLS_CERT_UNTRUSTED',
      severity: 'warning',
      host,
      message: `The certificate of ${host} is not trusted (${tls.trustError ?? 'unknown reason'}).`,
    });
  if (!tls.nameMatches)
    findings.push({
      code: 'TLS_CERT_NAME_MISMATCH',
      severity: 'warning',
      host,
      message: `The certificate of ${host} does not name it (it names ${tls.sans.join(', ') || tls.subject || 'nothing'}).`,
    });
  return findings;
}

export function daneFindings(host: string, dane: DaneInfo): Finding[] {
  switch (dane.state) {
    case 'valid':
      return [
        {
          code: 'DANE_VALID',
          severity: 'info',
          host,
          message: `${host} matches its DNSSEC-signed TLSA record (${dane.matched ?? ''}).`,
        },
      ];
    case 'mismatch':
      return [
        {
          code: 'DANE_MISMATCH',
          severity: 'warning',
          host,
          message: `The certificate of ${host} matches none of its TLSA records.`,
        },
      ];
    case 'unauthenticated':
      return [
        {
          code: 'DANE_UNAUTHENTICATED',
          severity: 'warning',
          host,
          message: `${host} has TLSA records, but the answer was not DNSSEC-authenticated, so they do not count.`,
        },
      ];
    case 'unusable':
      return [
        {
          code: 'DANE_UNUSABLE',
          severity: 'warning',
          host,
          message: `The TLSA records of ${host} are all unusable for SMTP (only usages 2 and 3 count on port 25).`,
        },
      ];
    case 'none':
    case 'untested':
    case 'error':
      return [];
  }
}

// --- the domain's published policies ---

export function privateMtaStsHostFinding(policyHost: string): Finding {
  return {
    code: 'PRIVATE_ADDRESS_REFUSED',
    severity: 'warning',
    message: `${policyHost} resolves to a private address; it was not contacted.`,
  };
}

/**
 * A repeated non-mx field: TLS Gate uses the first as RFC 8461 §3.2 says, but a warning, since some
 * senders refuse the whole record or policy (docs/mta-sts.md). Field names are ours, never echoed input.
 */
export function mtaStsDuplicateFieldFinding(where: 'record' | 'policy', duplicate: DuplicateField): Finding {
  const { field, at } = duplicate;
  return {
    code: 'MTA_STS_DUPLICATE_FIELD',
    severity: 'warning',
    message:
      where === 'record'
        ? `The _mta-sts TXT record repeats ${field} (field ${at}); the first one counts and this one is ignored.`
        : `The MTA-STS policy repeats ${field} on line ${at}; the first one counts and this one is ignored.`,
  };
}

export function mtaStsFindings(report: MtaStsReport): Finding[] {
  if (report.error) {
    if (report.error.code === 'MTA_STS_NO_RECORD')
      return [{ code: 'MTA_STS_NO_RECORD', severity: 'info', message: 'No MTA-STS policy is published.' }];
    return [{ code: report.error.code, severity: 'warning', message: report.error.message }];
  }
  switch (report.mode) {
    case 'enforce':
      return [
        {
          code: 'MTA_STS_ENFORCE',
          severity: 'info',
          message: `MTA-STS policy in enforce mode for ${report.mx.join(', ')}.`,
        },
      ];
    case 'testing':
      return [
        {
          code: 'MTA_STS_TESTING',
          severity: 'info',
          message:
            'MTA-STS is in testing mode: failures are reported but mail still falls back to clear text.',
        },
      ];
    case 'none':
      return [
        { code: 'MTA_STS_MODE_NONE', severity: 'info', message: 'The MTA-STS policy is in mode none.' },
      ];
    case null:
      return [];
  }
}

export function tlsRptFinding(): Finding {
  return {
    code: 'TLSRPT_PRESENT',
    severity: 'info',
    message: 'The domain asks for TLS failure reports (TLS-RPT).',
  };
}
