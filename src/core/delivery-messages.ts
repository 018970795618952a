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

type Reason = (host: string, detail: { tlsDomain: string; expiry: string }) => string;

const REASONS: Record<DeliveryLanguage, Record<DeliveryProblemCode, Reason>> = {
  en: {
    NO_MAIL_HOST: () => 'no mail server could be found for it',
    MX_LOOKUP_FAILED: () => 'its mail servers could not be looked up in DNS',
    MX_UNREACHABLE: (h) => `${h} does not answer`,
    NO_STARTTLS: (h) => `${h} offers no STARTTLS`,
    TLS_FAILED: (h) => `the TLS handshake with ${h} fails`,
    CERT_UNTRUSTED: (h) => `the certificate of ${h} is not trusted`,
    CERT_EXPIRED: (h) => `the certificate of ${h} has expired`,
    NAME_MISMATCH: (h, d) => `the certificate of ${h} does not name ${d.tlsDomain}`,
    CERT_EXPIRES_SOON: (h, d) => `the certificate of ${h} expires on ${d.expiry}`,
    LEGACY_TLS_ONLY: (h) => `${h} offers only TLS 1.0 or 1.1`,
  },
  nl: {
    NO_MAIL_HOST: () => 'er is geen mailserver voor gevonden',
    MX_LOOKUP_FAILED: () => 'de mailservers konden niet in DNS worden opgezocht',
    MX_UNREACHABLE: (h) => `${h} antwoordt niet`,
    NO_STARTTLS: (h) => `${h} biedt geen STARTTLS`,
    TLS_FAILED: (h) => `de TLS-handshake met ${h} mislukt`,
    CERT_UNTRUSTED: (h) => `het certificaat van ${h} wordt niet vertrouwd`,
    CERT_EXPIRED: (h) => `het certificaat van ${h} is verlopen`,
    NAME_MISMATCH: (h, d) => `het certificaat van ${h} noemt ${d.tlsDomain} niet`,
    CERT_EXPIRES_SOON: (h, d) => `het certificaat van ${h} verloopt op ${d.expiry}`,
    LEGACY_TLS_ONLY: (h) => `${h} biedt alleen TLS 1.0 of 1.1`,
  },
};

const MAX_REASONS = 3;

/** The verdict's reasons as one phrase: "a, b and c" ("and 2 more" past three). */
export function deliveryReasons(verdict: DeliveryVerdict, language: DeliveryLanguage): string {
  const phrases = verdict.reasons.map((reason) => {
    const host = verdict.mx.find((mx) => mx.host === reason.host);
    return REASONS[language][reason.code](reason.host ?? '', {
      tlsDomain: verdict.tlsDomain ?? '',
      expiry: host?.notAfter?.slice(0, 10) ?? '',
    });
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
