/**
 * The one-line reason shown under a domain's status: the fact that decided it, in the user's language, e.g.
 * "MTA-STS enforce", "STARTTLS, certificate not trusted", "backup MX mx2.example.org offers no STARTTLS".
 * Pure and free of libraries, so the add-in and the server can both use it.
 */
import type { DomainReport, FindingCode, MxReport } from './report';
import type { Language } from './status';

interface Texts {
  mtaSts: string;
  dane: string;
  policy: string;
  invalid: string;
  nullMx: string;
  nxdomain: string;
  noMailHost: string;
  privateOnly: string;
  unreachable: string;
  dnsFailed: string;
  undetermined: string;
  backup: string;
  noStarttls: string;
  refused: string;
  handshake: string;
  more: string;
  someMx: string;
  starttls: string;
  expired: string;
  untrusted: string;
  nameMismatch: string;
  legacy: string;
  stsTesting: string;
  stsNone: string;
  stsMismatch: string;
  stsBroken: string;
  stsEnforceUnverified: string;
  daneMismatch: string;
  daneInsecure: string;
  danePartial: string;
  notEnforced: string;
}

const TEXTS: Readonly<Record<Language, Texts>> = {
  en: {
    mtaSts: 'MTA-STS enforce',
    dane: 'DANE',
    policy: "your organisation's TLS connector",
    invalid: 'not a valid domain',
    nullMx: 'null MX: this domain accepts no mail',
    nxdomain: 'the domain does not exist',
    noMailHost: 'no MX or address records',
    privateOnly: 'mail servers have only private addresses',
    unreachable: 'no mail server answered',
    dnsFailed: 'DNS lookup failed',
    undetermined: 'could not be determined',
    backup: 'backup MX ',
    noStarttls: '{host} offers no STARTTLS',
    refused: '{host} refuses STARTTLS',
    handshake: 'TLS handshake with {host} fails',
    more: ' (+{n} more)',
    someMx: 'A mail server offers no STARTTLS',
    starttls: 'STARTTLS',
    expired: 'certificate expired',
    untrusted: 'certificate not trusted',
    nameMismatch: 'certificate does not name the server',
    legacy: 'legacy {version}',
    stsTesting: 'MTA-STS only testing',
    stsNone: 'MTA-STS mode none',
    stsMismatch: 'MTA-STS does not cover every MX',
    stsBroken: 'MTA-STS policy unusable',
    stsEnforceUnverified: 'MTA-STS cannot be relied on',
    daneMismatch: 'DANE records do not match',
    daneInsecure: 'DANE without DNSSEC',
    danePartial: 'DANE covers only some MX',
    notEnforced: 'no MTA-STS or DANE',
  },
  nl: {
    mtaSts: 'MTA-STS enforce',
    dane: 'DANE',
    policy: 'TLS-connector van uw organisatie',
    invalid: 'geen geldig domein',
    nullMx: 'null-MX: dit domein ontvangt geen mail',
    nxdomain: 'het domein bestaat niet',
    noMailHost: 'geen MX- of adresrecords',
    privateOnly: 'mailservers hebben alleen privé-adressen',
    unreachable: 'geen mailserver gaf antwoord',
    dnsFailed: 'DNS-opvraging mislukt',
    undetermined: 'kon niet worden vastgesteld',
    backup: 'back-up-MX ',
    noStarttls: '{host} biedt geen STARTTLS',
    refused: '{host} weigert STARTTLS',
    handshake: 'TLS-handshake met {host} mislukt',
    more: ' (+{n} meer)',
    someMx: 'Een mailserver biedt geen STARTTLS',
    starttls: 'STARTTLS',
    expired: 'certificaat verlopen',
    untrusted: 'certificaat niet vertrouwd',
    nameMismatch: 'certificaat noemt de server niet',
    legacy: 'verouderd {version}',
    stsTesting: 'MTA-STS alleen in testmodus',
    stsNone: 'MTA-STS-modus none',
    stsMismatch: 'MTA-STS dekt niet elke MX',
    stsBroken: 'MTA-STS-beleid onbruikbaar',
    stsEnforceUnverified: 'MTA-STS is niet betrouwbaar',
    daneMismatch: 'DANE-records kloppen niet',
    daneInsecure: 'DANE zonder DNSSEC',
    danePartial: 'DANE dekt maar een deel van de MX',
    notEnforced: 'geen MTA-STS of DANE',
  },
};

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The one-line reason for a report's status. Works on a report without MX details too (less specific). */
export function summarizeReport(report: DomainReport, language: Language): string {
  const t = TEXTS[language];
  const has = (code: FindingCode): boolean => report.findings.some((finding) => finding.code === code);
  switch (report.status) {
    case 'invalid':
      return upperFirst(t.invalid);
    case 'no-mail':
      if (has('NULL_MX')) return upperFirst(t.nullMx);
      if (has('DNS_NXDOMAIN')) return upperFirst(t.nxdomain);
      return upperFirst(t.noMailHost);
    case 'unknown':
      if (has('DNS_FAILED')) return t.dnsFailed;
      if (has('PRIVATE_ADDRESS_REFUSED') && report.mx.every((mx) => mx.probedAddress === null))
        return upperFirst(t.privateOnly);
      if (has('ALL_MX_UNREACHABLE') || report.mx.length > 0) return upperFirst(t.unreachable);
      return upperFirst(t.undetermined);
    case 'enforced': {
      const parts: string[] = [];
      if (report.enforcement.includes('mta-sts')) parts.push(t.mtaSts);
      if (report.enforcement.includes('dane')) parts.push(t.dane);
      if (report.enforcement.includes('policy')) parts.push(t.policy);
      return upperFirst(parts.length > 0 ? parts.join(', ') : t.mtaSts);
    }
    case 'none':
      // Host names keep their case: "backup MX mx2.example.org offers no STARTTLS".
      return noneReason(report, t);
    case 'opportunistic':
      return `${t.starttls}, ${opportunisticReason(report, t)}`;
  }
}

/** The weakest MX decides `none`; name it, and whether it is a backup (higher preference) MX. */
function noneReason(report: DomainReport, t: Texts): string {
  const clear = sortByPreference(report.mx.filter((mx) => mx.reachable && !mx.starttls));
  const first = clear[0];
  if (!first) return t.someMx;
  const hostCodes = (host: string): FindingCode[] =>
    report.findings.filter((finding) => finding.host === host).map((finding) => finding.code);
  const codes = hostCodes(first.host);
  const template = codes.includes('SMTP_STARTTLS_REFUSED')
    ? t.refused
    : codes.includes('TLS_HANDSHAKE_FAILED')
      ? t.handshake
      : t.noStarttls;
  const lowest = Math.min(...report.mx.map((mx) => mx.preference));
  const backup = report.mx.length > 1 && first.preference > lowest;
  const more = clear.length > 1 ? fill(t.more, { n: String(clear.length - 1) }) : '';
  // The host goes into the template as is: "backup MX" is prefixed to the whole phrase when it leads it.
  const phrase = fill(template, { host: first.host });
  return (backup && phrase.startsWith(first.host) ? t.backup : '') + phrase + more;
}

/** Why TLS is offered but not enforced: the first weakness a sender could be tricked through. */
function opportunisticReason(report: DomainReport, t: Texts): string {
  const has = (code: FindingCode): boolean => report.findings.some((finding) => finding.code === code);
  const tls = report.mx.flatMap((mx) => (mx.reachable && mx.tls ? [mx.tls] : []));
  if (has('TLS_CERT_EXPIRED') || tls.some((info) => info.trustError === 'CERT_HAS_EXPIRED')) return t.expired;
  if (has('TLS_CERT_UNTRUSTED') || tls.some((info) => !info.trusted)) return t.untrusted;
  if (has('TLS_CERT_NAME_MISMATCH') || tls.some((info) => !info.nameMatches)) return t.nameMismatch;
  const legacy = tls.find((info) => info.legacy);
  if (legacy || has('TLS_LEGACY_VERSION'))
    return fill(t.legacy, { version: legacy ? legacy.version.replace('TLSv', 'TLS ') : 'TLS' });
  if (has('MTA_STS_MX_MISMATCH')) return t.stsMismatch;
  // As info it only says the policy is in enforce mode; as a warning, that the hosts do not live up to it.
  if (report.findings.some((f) => f.code === 'MTA_STS_ENFORCE' && f.severity !== 'info'))
    return t.stsEnforceUnverified;
  if (report.mtaSts.mode === 'testing' || has('MTA_STS_TESTING')) return t.stsTesting;
  if (report.mtaSts.mode === 'none' || has('MTA_STS_MODE_NONE')) return t.stsNone;
  if (
    report.mtaSts.error !== null &&
    report.mtaSts.error.code !== 'MTA_STS_NO_RECORD' &&
    report.mtaSts.error.code !== 'DNS_NXDOMAIN'
  )
    return t.stsBroken;
  if (has('DANE_MISMATCH')) return t.daneMismatch;
  if (has('DANE_MX_INSECURE') || has('DANE_UNAUTHENTICATED')) return t.daneInsecure;
  if (has('DANE_PARTIAL')) return t.danePartial;
  return t.notEnforced;
}

function sortByPreference(hosts: MxReport[]): MxReport[] {
  return [...hosts].sort((a, b) => a.preference - b.preference || (a.host < b.host ? -1 : 1));
}
