/**
 * The delivery verdict in words, in English and Dutch: for the task pane, the console, the alerts, the
 * lookup's findings and the CLI. The send check keeps its own shorter sentence (decide-messages.ts), as the
 * Smart Alert bundle has no room for this table.
 */
import type { DeliveryProblemCode, DeliveryState, DeliveryVerdict } from './delivery';
import type { ForcedTlsLevel } from './policy';

export type DeliveryLanguage = 'en' | 'nl';

export const FORCED_TLS_LEVEL_LABELS: Record<DeliveryLanguage, Record<ForcedTlsLevel, string>> = {
  en: {
    'encryption-only': 'Encryption only',
    'certificate-validation': 'Certificate validation',
    'domain-validation': 'Domain validation',
  },
  nl: {
    'encryption-only': 'Alleen versleuteling',
    'certificate-validation': 'Certificaatvalidatie',
    'domain-validation': 'Domeinvalidatie',
  },
};

export const DELIVERY_STATE_LABELS: Record<DeliveryLanguage, Record<DeliveryState, string>> = {
  en: { ok: 'Delivered', 'at-risk': 'At risk', failing: 'Not delivered' },
  nl: { ok: 'Wordt bezorgd', 'at-risk': 'Risico', failing: 'Wordt niet bezorgd' },
};

export interface DeliveryProblemDetail {
  /** The host the problem is about; absent where the reader is already looking at that host. */
  host?: string | undefined;
  tlsDomain: string;
  /** The certificate's end, YYYY-MM-DD. */
  expiry: string;
}

type Reason = (host: string | undefined, detail: DeliveryProblemDetail) => string;

/** "mx.example offers…", or "offers…" beside the host's own name. */
const subject = (host: string | undefined): string => (host === undefined ? '' : `${host} `);
const certificateEn = (host: string | undefined): string =>
  host === undefined ? 'the certificate' : `the certificate of ${host}`;
const certificateNl = (host: string | undefined): string =>
  host === undefined ? 'het certificaat' : `het certificaat van ${host}`;

const REASONS: Record<DeliveryLanguage, Record<DeliveryProblemCode, Reason>> = {
  en: {
    NO_MAIL_HOST: () => 'no mail server could be found for it',
    MX_LOOKUP_FAILED: () => 'its mail servers could not be looked up in DNS',
    MX_UNREACHABLE: (h) => `${subject(h)}does not answer`,
    NO_STARTTLS: (h) => `${subject(h)}offers no STARTTLS`,
    TLS_FAILED: (h) => (h === undefined ? 'the TLS handshake fails' : `the TLS handshake with ${h} fails`),
    CERT_UNTRUSTED: (h) => `${certificateEn(h)} is not trusted`,
    CERT_EXPIRED: (h) => `${certificateEn(h)} has expired`,
    NAME_MISMATCH: (h, d) => `${certificateEn(h)} does not name ${d.tlsDomain}`,
    CERT_EXPIRES_SOON: (h, d) => `${certificateEn(h)} expires on ${d.expiry}`,
    LEGACY_TLS_ONLY: (h) => `${subject(h)}offers only TLS 1.0 or 1.1`,
  },
  nl: {
    NO_MAIL_HOST: () => 'er is geen mailserver voor gevonden',
    MX_LOOKUP_FAILED: () => 'de mailservers konden niet in DNS worden opgezocht',
    MX_UNREACHABLE: (h) => `${subject(h)}antwoordt niet`,
    NO_STARTTLS: (h) => `${subject(h)}biedt geen STARTTLS`,
    TLS_FAILED: (h) => (h === undefined ? 'de TLS-handshake mislukt' : `de TLS-handshake met ${h} mislukt`),
    CERT_UNTRUSTED: (h) => `${certificateNl(h)} wordt niet vertrouwd`,
    CERT_EXPIRED: (h) => `${certificateNl(h)} is verlopen`,
    NAME_MISMATCH: (h, d) => `${certificateNl(h)} noemt ${d.tlsDomain} niet`,
    CERT_EXPIRES_SOON: (h, d) => `${certificateNl(h)} verloopt op ${d.expiry}`,
    LEGACY_TLS_ONLY: (h) => `${subject(h)}biedt alleen TLS 1.0 of 1.1`,
  },
};

/**
 * One problem in words: about `detail.host` when given ("mx.example offers no STARTTLS"), else about the host
 * it is shown beside ("offers no STARTTLS").
 */
export function deliveryProblem(
  code: DeliveryProblemCode,
  detail: DeliveryProblemDetail,
  language: DeliveryLanguage,
): string {
  return REASONS[language][code](detail.host, detail);
}

const MAX_REASONS = 3;

/** The verdict's reasons as one phrase: "a, b and c" ("and 2 more" past three). */
export function deliveryReasons(verdict: DeliveryVerdict, language: DeliveryLanguage): string {
  const phrases = verdict.reasons.map((reason) => {
    const host = verdict.mx.find((mx) => mx.host === reason.host);
    return deliveryProblem(
      reason.code,
      { host: reason.host, tlsDomain: verdict.tlsDomain ?? '', expiry: host?.notAfter?.slice(0, 10) ?? '' },
      language,
    );
  });
  const shown = phrases.slice(0, MAX_REASONS);
  const rest = phrases.length - shown.length;
  const and = language === 'en' ? 'and' : 'en';
  if (rest > 0) shown.push(language === 'en' ? `${rest} more` : `nog ${rest}`);
  if (shown.length <= 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} ${and} ${shown[shown.length - 1] ?? ''}`;
}

/** One sentence that tells the truth about mail to `domain` under its connector. */
export function deliverySentence(
  domain: string,
  verdict: DeliveryVerdict,
  language: DeliveryLanguage,
): string {
  const reasons = deliveryReasons(verdict, language);
  const level = FORCED_TLS_LEVEL_LABELS[language][verdict.level].toLowerCase();
  if (language === 'nl')
    switch (verdict.state) {
      case 'failing':
        return `Uw organisatie vereist TLS voor ${domain}, maar ${reasons}: mail ernaartoe blijft in de wachtrij staan en komt daarna onbestelbaar terug.`;
      case 'at-risk':
        return `Mail naar ${domain} wordt nu nog bezorgd, maar ${reasons}.`;
      case 'ok':
        return `Elke mailserver van ${domain} voldoet aan de eis van de connector (${level}).`;
    }
  switch (verdict.state) {
    case 'failing':
      return `Your organisation requires TLS for ${domain}, but ${reasons}: mail to it will wait in the queue and then return undelivered.`;
    case 'at-risk':
      return `Mail to ${domain} is still delivered, but ${reasons}.`;
    case 'ok':
      return `Every mail server of ${domain} meets the connector's requirement (${level}).`;
  }
}
