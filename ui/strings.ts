import type { DaneState } from '../src/core/report';
import type { Language } from '../src/core/status';

/**
 * The texts of the views the task pane and the admin console share: a domain's status badge and its full
 * report. The pane's Strings extend these; status labels come from src/core/status.ts.
 */
export interface ReportStrings {
  locale: string;
  checkFailed: string;
  details: string;
  detailsFor: (domain: string) => string;
  loadingDetails: string;
  detailsUnavailable: string;
  lastChecked: string;
  mxHeading: string;
  noMx: string;
  preference: string;
  tlsVersion: string;
  cipher: string;
  issuer: string;
  expires: string;
  certificate: string;
  trusted: string;
  notTrusted: (reason: string | null) => string;
  nameMismatch: string;
  noStarttls: string;
  noAnswer: string;
  notProbed: string;
  mtaSts: string;
  mode: string;
  mxPatterns: string;
  maxAge: string;
  days: (n: number) => string;
  notPublished: string;
  dane: string;
  daneStates: Record<DaneState, string>;
  tlsRpt: string;
  published: string;
}

export const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

export const REPORT_STRINGS: Readonly<Record<Language, ReportStrings>> = {
  en: {
    locale: 'en-GB',
    checkFailed: 'Check failed',
    details: 'Details',
    detailsFor: (domain) => `Details for ${domain}`,
    loadingDetails: 'Loading details…',
    detailsUnavailable: 'Details could not be loaded.',
    lastChecked: 'Last checked',
    mxHeading: 'Mail servers (MX)',
    noMx: 'No mail servers.',
    preference: 'preference',
    tlsVersion: 'TLS version',
    cipher: 'Cipher',
    issuer: 'Certificate issuer',
    expires: 'Certificate expires',
    certificate: 'Certificate',
    trusted: 'trusted',
    notTrusted: (reason) => `not trusted${reason ? ` (${reason})` : ''}`,
    nameMismatch: 'does not name the server',
    noStarttls: 'No STARTTLS',
    noAnswer: 'Did not answer',
    notProbed: 'Not contacted',
    mtaSts: 'MTA-STS',
    mode: 'Mode',
    mxPatterns: 'MX patterns',
    maxAge: 'Max age',
    days: (n) => `${n} ${plural(n, 'day', 'days')}`,
    notPublished: 'Not published',
    dane: 'DANE',
    daneStates: {
      none: 'No TLSA records',
      unauthenticated: 'TLSA records without DNSSEC',
      unusable: 'TLSA records not usable',
      valid: 'Valid',
      mismatch: 'Certificate does not match',
      untested: 'Not tested',
      error: 'Lookup failed',
    },
    tlsRpt: 'TLS-RPT',
    published: 'Published',
  },
  nl: {
    locale: 'nl-NL',
    checkFailed: 'Controle mislukt',
    details: 'Details',
    detailsFor: (domain) => `Details van ${domain}`,
    loadingDetails: 'Details laden…',
    detailsUnavailable: 'De details konden niet worden geladen.',
    lastChecked: 'Laatst gecontroleerd',
    mxHeading: 'Mailservers (MX)',
    noMx: 'Geen mailservers.',
    preference: 'voorkeur',
    tlsVersion: 'TLS-versie',
    cipher: 'Cipher',
    issuer: 'Uitgever certificaat',
    expires: 'Certificaat verloopt',
    certificate: 'Certificaat',
    trusted: 'vertrouwd',
    notTrusted: (reason) => `niet vertrouwd${reason ? ` (${reason})` : ''}`,
    nameMismatch: 'noemt de server niet',
    noStarttls: 'Geen STARTTLS',
    noAnswer: 'Gaf geen antwoord',
    notProbed: 'Niet benaderd',
    mtaSts: 'MTA-STS',
    mode: 'Modus',
    mxPatterns: 'MX-patronen',
    maxAge: 'Maximale geldigheid',
    days: (n) => `${n} ${plural(n, 'dag', 'dagen')}`,
    notPublished: 'Niet gepubliceerd',
    dane: 'DANE',
    daneStates: {
      none: 'Geen TLSA-records',
      unauthenticated: 'TLSA-records zonder DNSSEC',
      unusable: 'TLSA-records niet bruikbaar',
      valid: 'Geldig',
      mismatch: 'Certificaat komt niet overeen',
      untested: 'Niet getest',
      error: 'Opvragen mislukt',
    },
    tlsRpt: 'TLS-RPT',
    published: 'Gepubliceerd',
  },
};
