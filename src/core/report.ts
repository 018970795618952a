import type { DeliveryVerdict } from './delivery';
import type { DomainInputErrorCode } from './domain';
import type { DomainStatus, Enforcement } from './status';

/** Stable machine codes for everything a lookup can observe. Renaming one is a breaking API change. */
export type FindingCode =
  | DomainInputErrorCode
  | 'DNS_FAILED'
  | 'DNS_NXDOMAIN'
  | 'NULL_MX'
  | 'NULL_MX_WITH_OTHER_MX'
  | 'IMPLICIT_MX'
  | 'NO_MAIL_HOST'
  | 'MX_TOO_MANY'
  | 'MX_HOST_NO_ADDRESS'
  | 'MX_HOST_DNS_FAILED'
  | 'PRIVATE_ADDRESS_REFUSED'
  | 'SMTP_UNREACHABLE'
  | 'SMTP_TIMEOUT'
  | 'SMTP_BAD_GREETING'
  | 'SMTP_PROTOCOL_ERROR'
  | 'SMTP_NO_STARTTLS'
  | 'SMTP_STARTTLS_REFUSED'
  | 'SMTP_REQUIRETLS'
  | 'TLS_HANDSHAKE_FAILED'
  | 'TLS_LEGACY_VERSION'
  | 'TLS_CERT_UNTRUSTED'
  | 'TLS_CERT_EXPIRED'
  | 'TLS_CERT_NAME_MISMATCH'
  | 'ALL_MX_UNREACHABLE'
  | 'MTA_STS_NO_RECORD'
  | 'MTA_STS_RECORD_INVALID'
  | 'MTA_STS_FETCH_FAILED'
  | 'MTA_STS_POLICY_INVALID'
  | 'MTA_STS_POLICY_MALFORMED'
  | 'MTA_STS_DUPLICATE_FIELD'
  | 'MTA_STS_ENFORCE'
  | 'MTA_STS_TESTING'
  | 'MTA_STS_MODE_NONE'
  | 'MTA_STS_MX_MISMATCH'
  | 'DANE_VALID'
  | 'DANE_MISMATCH'
  | 'DANE_UNAUTHENTICATED'
  | 'DANE_UNUSABLE'
  | 'DANE_PARTIAL'
  | 'DANE_MX_INSECURE'
  | 'TLSRPT_PRESENT'
  | 'POLICY_FORCED_TLS'
  | 'FORCED_TLS_AT_RISK'
  | 'FORCED_TLS_FAILING';

export type FindingSeverity = 'info' | 'warning' | 'error';

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  message: string;
  /** The MX host the finding is about, when it is about one. */
  host?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

export interface TlsInfo {
  /** As Node names it: `TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1`. */
  version: string;
  cipher: string;
  /** Chain verifies against Node's trust store (plus NODE_EXTRA_CA_CERTS). Name and expiry are separate. */
  trusted: boolean;
  /** OpenSSL's reason when not trusted, e.g. `CERT_HAS_EXPIRED`. */
  trustError: string | null;
  /** The leaf names the MX host (RFC 6125; a wildcard covers exactly one label). */
  nameMatches: boolean;
  /** TLS 1.0 or 1.1. */
  legacy: boolean;
  subject: string;
  sans: string[];
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** The chain as the server presented it, leaf first. */
  chain: CertificateSummary[];
}

export type DaneState =
  /** No TLSA records. */
  | 'none'
  /** TLSA records exist but the answer was not DNSSEC-authenticated, so they do not count. */
  | 'unauthenticated'
  /** Authenticated TLSA records, but none usable on port 25 (usages 0/1, unknown parameters). */
  | 'unusable'
  /** The presented chain matches a usable record. */
  | 'valid'
  /** Usable records, but the presented chain matches none of them. */
  | 'mismatch'
  /** Authenticated records, but the host gave no certificate to match (unreachable or no TLS). */
  | 'untested'
  /** The TLSA lookup failed. */
  | 'error';

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  /** Hex of the association data. */
  data: string;
}

export interface DaneInfo {
  state: DaneState;
  records: TlsaRecord[];
  /** Which record matched, as `usage selector matchingType`. */
  matched: string | null;
}

export interface MxReport {
  host: string;
  preference: number;
  /** True when the domain has no MX and its own A/AAAA stands in (RFC 5321 §5.1). */
  implicit: boolean;
  addresses: string[];
  /** The address that was probed, if any. */
  probedAddress: string | null;
  /** A 220 greeting was read. */
  reachable: boolean;
  starttls: boolean;
  requireTls: boolean;
  tls: TlsInfo | null;
  dane: DaneInfo;
  /** Whether the host matches the MTA-STS mx patterns; null without a usable policy. */
  mtaStsMatch: boolean | null;
}

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsReport {
  /** The concatenated `v=STSv1` TXT record, when exactly one exists. */
  record: string | null;
  id: string | null;
  mode: MtaStsMode | null;
  mx: string[];
  /** Seconds, as in the policy (RFC 8461 key name). */
  max_age: number | null;
  error: { code: FindingCode; message: string } | null;
}

export interface TlsRptReport {
  present: boolean;
  record: string | null;
}

export interface DomainReport {
  input: string;
  /** The A-label domain; the normalised input when invalid. */
  domain: string;
  status: DomainStatus;
  enforcement: Enforcement[];
  mx: MxReport[];
  mtaSts: MtaStsReport;
  tlsRpt: TlsRptReport;
  findings: Finding[];
  /** ISO 8601. */
  checkedAt: string;
  durationMs: number;
  /** How long this answer may be cached, in seconds. */
  cacheTtlSeconds: number;
  /**
   * For a domain the org's TLS-required connector covers: whether that connector would deliver, judged at
   * its level when the answer was made (the lookup adds it; a probe alone does not know the policy).
   */
  delivery?: DeliveryVerdict;
}

/** A report that observed nothing beyond its status: for synthetic cases (policy checks, caches, tests). */
export function blankReport(
  domain: string,
  status: DomainStatus,
  enforcement: Enforcement[] = [],
): DomainReport {
  return {
    input: domain,
    domain,
    status,
    enforcement,
    mx: [],
    mtaSts: { record: null, id: null, mode: null, mx: [], max_age: null, error: null },
    tlsRpt: { present: false, record: null },
    findings: [],
    checkedAt: '',
    durationMs: 0,
    cacheTtlSeconds: 0,
  };
}
