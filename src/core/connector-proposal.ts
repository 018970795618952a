/**
 * What TLS-required connector a partner could take today, judged from its probe report: the name to pin
 * (`TlsDomain`), the strictest level that would deliver, and the Exchange Online command that creates it.
 * Pure and free of libraries: the server's proposals route and the admin console share it.
 */
import { certificateNames, deliveryVerdict, tlsDomainMatches, type DeliveryVerdict } from './delivery';
import { FORCED_TLS_LEVELS, type ForcedTlsLevel } from './policy';
import type { DomainReport } from './report';

/** Lowercase LDH labels (A-labels), at least two: what a domain, and so a safe PowerShell word, is made of. */
const HOST_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A host name, or `*.` and a host name (a TlsDomain or RecipientDomains wildcard). */
export function isConnectorName(name: string): boolean {
  return HOST_NAME.test(name.startsWith('*.') ? name.slice(2) : name);
}

/** The parents of a name that a `*.parent` TlsDomain may stand for: never a bare top-level domain. */
function parents(name: string): string[] {
  const labels = name.split('.');
  const found: string[] = [];
  for (let i = 1; i < labels.length - 1; i++) found.push(labels.slice(i).join('.'));
  return found;
}

/**
 * A `TlsDomain` that every MX certificate satisfies (as tlsDomainMatches judges): a name all of them carry,
 * else the narrowest `*.parent` that covers them all; null when there is none.
 *
 * Only certificates that name their own host count: one that does not (a default or placeholder
 * certificate) is the one its owner will replace, and pinning its name would bounce the mail when they do.
 * Hosts without TLS have no certificate to pin; every level refuses them anyway. Names that are not plain
 * host names are never proposed, as they end up in a command the admin runs.
 */
export function suggestTlsDomain(report: Pick<DomainReport, 'mx'>): string | null {
  const hosts = [...report.mx]
    .sort((a, b) => a.preference - b.preference)
    .flatMap((mx) => (mx.tls ? [mx.tls] : []));
  if (hosts.length === 0 || hosts.some((tls) => !tls.nameMatches)) return null;
  const names = hosts.map((tls) => certificateNames(tls).filter(isConnectorName));
  const satisfiedByAll = (tlsDomain: string): boolean =>
    names.every((carried) => carried.some((name) => tlsDomainMatches(tlsDomain, name)));
  // The primary's names first, in the certificate's order: its owner put the main name first.
  const carried = [...new Set(names.flat())];
  const exact =
    carried.find((name) => !name.startsWith('*.') && satisfiedByAll(name)) ??
    carried.find((name) => name.startsWith('*.') && satisfiedByAll(name));
  if (exact !== undefined) return exact;
  const wildcards = [...new Set(carried.flatMap((name) => (name.startsWith('*.') ? [] : parents(name))))].map(
    (parent) => `*.${parent}`,
  );
  const covering = wildcards.filter(satisfiedByAll);
  const labels = (name: string): number => name.split('.').length;
  return covering.reduce<string | null>(
    (best, name) => (best === null || labels(name) > labels(best) ? name : best),
    null,
  );
}

export interface Qualification {
  /** The strictest level whose verdict is `ok`; null when none is. */
  level: ForcedTlsLevel | null;
  /** The TlsDomain for domain-validation (suggestTlsDomain), whether or not that level qualifies. */
  tlsDomain: string | null;
  /** Each level's verdict; domain-validation's is null without a name to pin. */
  verdicts: Record<Exclude<ForcedTlsLevel, 'domain-validation'>, DeliveryVerdict> & {
    'domain-validation': DeliveryVerdict | null;
  };
  /** When no level qualifies: why, as the most lenient level sees it (what every level refuses). */
  why: DeliveryVerdict['reasons'];
}

/**
 * The strictest connector level that delivers today without a doubt. Only `ok` counts, not `at-risk`: a
 * certificate about to end, a backup MX the connector refuses or legacy-only TLS is exactly what would
 * bounce mail under the new connector, and its health check would alert the day it is added. A partner at
 * risk at every level is listed as unsuitable, with the risks as the why.
 */
export function qualify(report: Pick<DomainReport, 'mx'>, now: number): Qualification {
  const tlsDomain = suggestTlsDomain(report);
  const verdicts: Qualification['verdicts'] = {
    'encryption-only': deliveryVerdict(report, { level: 'encryption-only' }, now),
    'certificate-validation': deliveryVerdict(report, { level: 'certificate-validation' }, now),
    'domain-validation':
      tlsDomain === null ? null : deliveryVerdict(report, { level: 'domain-validation', tlsDomain }, now),
  };
  const level = [...FORCED_TLS_LEVELS].reverse().find((each) => verdicts[each]?.state === 'ok') ?? null;
  return { level, tlsDomain, verdicts, why: level === null ? verdicts['encryption-only'].reasons : [] };
}

const TLS_SETTINGS: Record<ForcedTlsLevel, string> = {
  'encryption-only': 'EncryptionOnly',
  'certificate-validation': 'CertificateValidation',
  'domain-validation': 'DomainValidation',
};

/** Exchange object names are at most 64 characters. */
const MAX_CONNECTOR_NAME = 64;

/**
 * The Exchange Online PowerShell that creates a TLS-required connector for `domain` at `level`. Values are
 * single-quoted, so PowerShell expands nothing in them; they are host names, which hold no quote, and that
 * is checked rather than assumed (the names come from other people's certificates).
 */
export function connectorPowerShell(domain: string, level: ForcedTlsLevel, tlsDomain: string | null): string {
  if (!isConnectorName(domain))
    throw new Error('connectorPowerShell: the domain is not an A-label host name');
  if (level === 'domain-validation' && (tlsDomain === null || !isConnectorName(tlsDomain)))
    throw new Error('connectorPowerShell: domain-validation needs an A-label TlsDomain');
  const name = `TLS Gate - ${domain}`.slice(0, MAX_CONNECTOR_NAME);
  return [
    'New-OutboundConnector',
    `-Name '${name}'`,
    '-ConnectorType Partner',
    `-RecipientDomains '${domain}'`,
    `-TlsSettings ${TLS_SETTINGS[level]}`,
    ...(level === 'domain-validation' ? [`-TlsDomain '${tlsDomain ?? ''}'`] : []),
    '-RequireTls $true',
    '-UseMXRecord $true',
  ].join(' ');
}
