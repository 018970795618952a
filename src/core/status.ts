/** The status contract every part of TLS Gate speaks. See README "Statuses". */
export const DOMAIN_STATUSES = [
  'enforced',
  'opportunistic',
  'none',
  'no-mail',
  'unknown',
  'invalid',
] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/** What forces TLS for an `enforced` domain. `policy` is added by the backend from the org's forced-TLS list. */
export type Enforcement = 'mta-sts' | 'dane' | 'policy';

export type Language = 'en' | 'nl';

/** UI labels; `checking` is the transient state while a lookup runs. */
export const STATUS_LABELS: Readonly<Record<Language, Readonly<Record<DomainStatus | 'checking', string>>>> =
  {
    en: {
      enforced: 'Enforced TLS',
      opportunistic: 'Opportunistic TLS',
      none: 'No TLS',
      'no-mail': 'No mail server',
      unknown: 'Unknown',
      invalid: 'Invalid',
      checking: 'Checking…',
    },
    nl: {
      enforced: 'Afgedwongen TLS',
      opportunistic: 'Opportunistische TLS',
      none: 'Geen TLS',
      'no-mail': 'Geen mailserver',
      unknown: 'Onbekend',
      invalid: 'Ongeldig',
      checking: 'Controleren…',
    },
  };

export function isDomainStatus(value: unknown): value is DomainStatus {
  return typeof value === 'string' && (DOMAIN_STATUSES as readonly string[]).includes(value);
}
