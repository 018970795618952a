import { UsageError } from './cli-io';
import {
  deliveryVerdict,
  type DeliveryProblemCode,
  type DeliveryState,
  type DeliveryVerdict,
  type MxDelivery,
} from './core/delivery';
import { DELIVERY_STATE_LABELS, deliverySentence } from './core/delivery-messages';
import { normalizeDomainInput } from './core/domain';
import { FORCED_TLS_LEVELS, type ForcedTlsLevel } from './core/policy';
import type { DomainReport } from './core/report';
import { STATUS_LABELS } from './core/status';

/**
 * `tlsgate check --forced-tls LEVEL[:NAME]`: the delivery verdict an Exchange Online TLS-required connector
 * at that level would reach, so an admin can test a partner before creating the connector.
 */

export const FORCED_TLS_OPTION = `  --forced-tls LEVEL[:NAME]  judge delivery as a TLS-required connector at LEVEL would (Exchange's
                             TlsSettings): encryption-only, certificate-validation, or
                             domain-validation:NAME where NAME is the TlsDomain (e.g. *.contoso.com)`;

export interface ForcedTlsTest {
  level: ForcedTlsLevel;
  /** Exchange's TlsDomain; exactly for domain-validation. */
  tlsDomain?: string;
}

/** LEVEL[:NAME] as given to --forced-tls, or a UsageError that says what is wrong in one line. */
export function parseForcedTls(value: string): ForcedTlsTest {
  const colon = value.indexOf(':');
  const level = colon < 0 ? value : value.slice(0, colon);
  const name = colon < 0 ? undefined : value.slice(colon + 1);
  if (!(FORCED_TLS_LEVELS as readonly string[]).includes(level))
    throw new UsageError(
      `--forced-tls: LEVEL must be ${FORCED_TLS_LEVELS.join(', ')}, not "${level.slice(0, 80)}".`,
    );
  const known = level as ForcedTlsLevel;
  if (known !== 'domain-validation') {
    if (name !== undefined)
      throw new UsageError(`--forced-tls: only domain-validation takes a certificate name, not ${known}.`);
    return { level: known };
  }
  if (name === undefined || name === '')
    throw new UsageError(
      '--forced-tls: domain-validation needs the certificate name: domain-validation:NAME.',
    );
  const wildcard = name.startsWith('*.');
  const parsed = normalizeDomainInput(wildcard ? name.slice(2) : name);
  if (!parsed.ok || name.includes('@'))
    throw new UsageError(
      `--forced-tls: "${name.slice(0, 80)}" is not a certificate name (a domain or *.domain).`,
    );
  return { level: known, tlsDomain: wildcard ? `*.${parsed.domain}` : parsed.domain };
}

/** The reports with the verdict beside them; an invalid input has no MX to judge and gets none. */
export function withDelivery(
  reports: readonly DomainReport[],
  test: ForcedTlsTest,
  now: number,
): DomainReport[] {
  return reports.map((report) =>
    report.status === 'invalid' ? report : { ...report, delivery: deliveryVerdict(report, test, now) },
  );
}

const COLOURS: Record<DeliveryState, string> = { ok: '\x1b[32m', 'at-risk': '\x1b[33m', failing: '\x1b[31m' };
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

const PROBLEMS: Record<DeliveryProblemCode, (verdict: DeliveryVerdict) => string> = {
  NO_MAIL_HOST: () => 'no mail server',
  MX_LOOKUP_FAILED: () => 'MX lookup failed',
  MX_UNREACHABLE: () => 'does not answer',
  NO_STARTTLS: () => 'no STARTTLS',
  TLS_FAILED: () => 'TLS handshake fails',
  CERT_UNTRUSTED: () => 'certificate not trusted',
  CERT_EXPIRED: () => 'certificate expired',
  NAME_MISMATCH: (verdict) => `certificate does not name ${verdict.tlsDomain ?? '(no TlsDomain)'}`,
  CERT_EXPIRES_SOON: () => 'certificate expires within 14 days',
  LEGACY_TLS_ONLY: () => 'only TLS 1.0/1.1',
};

/** The host accepted or refused and why; then, when it has one, its certificate. */
function mxLines(host: MxDelivery, verdict: DeliveryVerdict): string[] {
  // A refused host's problems are all refusals; an accepted host's are all risks (delivery.ts).
  const words = host.problems.map((code) => PROBLEMS[code](verdict)).join(', ');
  const judged = host.accepted ? `accepted${words === '' ? '' : `, at risk: ${words}`}` : `refused: ${words}`;
  const lines = [`  └ ${host.host} (${host.preference})  ${judged}`];
  if (host.notAfter !== null || host.certNames.length > 0)
    lines.push(
      `      certificate for ${host.certNames.join(', ') || '(no name)'}, valid until ${host.notAfter?.slice(0, 10) ?? '?'}`,
    );
  return lines;
}

/** Per domain: the state, each MX accepted or refused and why, its certificate, and the sentence. */
export function formatDelivery(
  reports: readonly DomainReport[],
  test: ForcedTlsTest,
  colour: boolean,
): string {
  const paint = (code: string, text: string): string => (colour ? `${code}${text}${RESET}` : text);
  const name = test.tlsDomain === undefined ? '' : `, TlsDomain ${test.tlsDomain}`;
  const lines = [paint(DIM, `Delivery through a TLS-required connector at ${test.level}${name}:`)];
  for (const report of reports) {
    const verdict = report.delivery;
    if (!verdict) continue;
    const domain = report.domain || report.input;
    lines.push(
      '',
      `${domain}  ${paint(COLOURS[verdict.state], DELIVERY_STATE_LABELS.en[verdict.state])}  ` +
        paint(DIM, `(without the connector: ${STATUS_LABELS.en[report.status]})`),
    );
    for (const host of verdict.mx) lines.push(...mxLines(host, verdict));
    lines.push(`  ${deliverySentence(domain, verdict, 'en')}`);
  }
  return `${lines.join('\n')}\n`;
}
