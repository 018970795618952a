/**
 * Whether mail to a forced-TLS domain would be delivered: each MX judged as an Exchange Online TLS-required
 * connector judges it at the entry's level (its `TlsSettings`), from what the probe saw. A connector never
 * falls back to clear text, so a host it refuses is a host the mail cannot go to; when it refuses every
 * host, mail waits in the queue and then bounces. Pure: the server, the CLI and the add-in share it.
 */
import type { ForcedTlsLevel } from './policy';
import type { DomainReport, Finding, MxReport } from './report';

export type DeliveryState = 'ok' | 'at-risk' | 'failing';

export const DELIVERY_STATES: readonly DeliveryState[] = ['ok', 'at-risk', 'failing'];

/** A certificate that ends within this many days puts delivery at risk. */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Why a host would be refused (the first seven) or is a risk though accepted (the last two). Stable codes:
 * the API, the alerts and both languages' wording key on them.
 */
export type DeliveryProblemCode =
  | 'NO_MAIL_HOST'
  | 'MX_LOOKUP_FAILED'
  | 'MX_UNREACHABLE'
  | 'NO_STARTTLS'
  | 'TLS_FAILED'
  | 'CERT_UNTRUSTED'
  | 'CERT_EXPIRED'
  | 'NAME_MISMATCH'
  | 'CERT_EXPIRES_SOON'
  | 'LEGACY_TLS_ONLY';

const RISKS: ReadonlySet<DeliveryProblemCode> = new Set(['CERT_EXPIRES_SOON', 'LEGACY_TLS_ONLY']);

export interface MxDelivery {
  host: string;
  preference: number;
  /** The connector would hand this host mail. */
  accepted: boolean;
  problems: DeliveryProblemCode[];
  /** The names on the host's certificate (SANs, else the subject CN); empty without TLS. */
  certNames: string[];
  /** ISO 8601, or null without a certificate. */
  notAfter: string | null;
}

export interface DeliveryVerdict {
  level: ForcedTlsLevel;
  tlsDomain: string | null;
  state: DeliveryState;
  mx: MxDelivery[];
  /** The soonest certificate expiry among the hosts (ISO 8601), or null. */
  soonestExpiry: string | null;
  /** What makes the state what it is, most serious first: `host` is absent for the domain as a whole. */
  reasons: Array<{ code: DeliveryProblemCode; host?: string | undefined }>;
}

/** The names a certificate answers to: its DNS SANs, else its subject CN (as RFC 6125 falls back). */
export function certificateNames(tls: NonNullable<MxReport['tls']>): string[] {
  if (tls.sans.length > 0) return tls.sans.map((name) => name.toLowerCase());
  const cn = /(?:^|, )CN=([^,]+)/.exec(tls.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}

/**
 * Whether a certificate name satisfies Exchange's `TlsDomain`: equal names; `*.contoso.com` accepts any name
 * under contoso.com; a wildcard certificate `*.contoso.com` covers one label under it.
 */
export function tlsDomainMatches(tlsDomain: string, certName: string): boolean {
  const want = tlsDomain.toLowerCase().replace(/\.$/, '');
  const name = certName.toLowerCase().replace(/\.$/, '');
  if (want === name) return true;
  if (want.startsWith('*.') && name.endsWith(want.slice(1)) && !name.startsWith('*.')) return true;
  if (name.startsWith('*.') && !want.startsWith('*.')) {
    const dot = want.indexOf('.');
    return dot > 0 && want.slice(dot) === name.slice(1);
  }
  return false;
}

const RANK: Record<ForcedTlsLevel, number> = {
  'encryption-only': 0,
  'certificate-validation': 1,
  'domain-validation': 2,
};

function judgeHost(
  mx: MxReport,
  level: ForcedTlsLevel,
  tlsDomain: string | null,
  now: number,
  findings: readonly Finding[],
): MxDelivery {
  const problems: DeliveryProblemCode[] = [];
  const tls = mx.tls;
  const names = tls ? certificateNames(tls) : [];
  const notAfter = tls && tls.notAfter !== '' ? tls.notAfter : null;
  const expiresAt = notAfter === null ? Number.NaN : Date.parse(notAfter);
  if (!mx.reachable) problems.push('MX_UNREACHABLE');
  // The probe sets `starttls` only when TLS came up; its findings tell a failed handshake from no STARTTLS.
  else if (!mx.starttls)
    problems.push(
      findings.some((finding) => finding.host === mx.host && finding.code === 'TLS_HANDSHAKE_FAILED')
        ? 'TLS_FAILED'
        : 'NO_STARTTLS',
    );
  else if (!tls) problems.push('TLS_FAILED');
  else {
    if (RANK[level] >= RANK['certificate-validation']) {
      // A report read from the cache may be older than the certificate's end: judge expiry against now.
      const expired = tls.trustError === 'CERT_HAS_EXPIRED' || !(expiresAt > now);
      if (expired) problems.push('CERT_EXPIRED');
      else if (!tls.trusted) problems.push('CERT_UNTRUSTED');
    }
    if (level === 'domain-validation' && !names.some((name) => tlsDomainMatches(tlsDomain ?? '', name)))
      problems.push('NAME_MISMATCH');
    const accepted = problems.length === 0;
    if (
      accepted &&
      RANK[level] >= RANK['certificate-validation'] &&
      expiresAt - now < EXPIRY_WARNING_DAYS * DAY_MS
    )
      problems.push('CERT_EXPIRES_SOON');
    if (accepted && tls.legacy) problems.push('LEGACY_TLS_ONLY');
  }
  return {
    host: mx.host,
    preference: mx.preference,
    accepted: problems.every((code) => RISKS.has(code)),
    problems,
    certNames: names,
    notAfter,
  };
}

/**
 * The delivery verdict for a forced-TLS domain under its entry's level. `failing` when no MX would be
 * accepted (none found, none answering, none good enough); `at-risk` when some host is refused while another
 * is accepted, a certificate the level checks ends within 14 days, or only TLS 1.0/1.1 is offered.
 */
export function deliveryVerdict(
  report: Pick<DomainReport, 'mx'> & { findings?: readonly Finding[]; status?: DomainReport['status'] },
  entry: { level: ForcedTlsLevel; tlsDomain?: string | undefined },
  now: number,
): DeliveryVerdict {
  const tlsDomain = entry.level === 'domain-validation' ? (entry.tlsDomain ?? null) : null;
  const mx = report.mx.map((host) => judgeHost(host, entry.level, tlsDomain, now, report.findings ?? []));
  const expiries = mx.flatMap((host) => (host.notAfter === null ? [] : [host.notAfter])).sort();
  const verdict = (state: DeliveryState, reasons: DeliveryVerdict['reasons']): DeliveryVerdict => ({
    level: entry.level,
    tlsDomain,
    state,
    mx,
    soonestExpiry: expiries[0] ?? null,
    reasons,
  });
  if (mx.length === 0) {
    // A DNS failure is not "no mail server": say which, though either way nothing can be delivered now.
    // Without MX hosts, only a failed discovery leaves the status `unknown` (no-mail otherwise).
    return verdict('failing', [{ code: report.status === 'unknown' ? 'MX_LOOKUP_FAILED' : 'NO_MAIL_HOST' }]);
  }
  const reasonsOf = (hosts: MxDelivery[], pick: (code: DeliveryProblemCode) => boolean) =>
    hosts.flatMap((host) => host.problems.filter(pick).map((code) => ({ code, host: host.host })));
  const refused = mx.filter((host) => !host.accepted);
  if (refused.length === mx.length)
    return verdict(
      'failing',
      reasonsOf(refused, () => true),
    );
  const risks = [
    ...reasonsOf(refused, (code) => !RISKS.has(code)),
    ...reasonsOf(mx, (code) => RISKS.has(code)),
  ];
  return verdict(risks.length > 0 ? 'at-risk' : 'ok', risks);
}
