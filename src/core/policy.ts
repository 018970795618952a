/**
 * The organisation's policy, as the add-in and the decision see it. The server validates it with the zod
 * schema in src/contract/policy.ts, which must stay in step with these types (it is checked with
 * `satisfies`). Kept free of libraries: the add-in bundles this module.
 */

export type Action = 'allow' | 'warn' | 'block';
export type Sensitivity = 'high' | 'medium' | 'low';

/** Built-in detector types; `custom` findings come from the org's rules, `label` from a sensitivity label. */
export const DETECTOR_TYPES = ['nl-bsn', 'iban', 'payment-card', 'us-ssn', 'health', 'nl-passport'] as const;
export type DetectorType = (typeof DETECTOR_TYPES)[number];
export type FindingType = DetectorType | 'custom' | 'label';

export interface KeywordRule {
  id: string;
  name: string;
  kind: 'keywords';
  /** Matched case-insensitively on word boundaries. */
  keywords: string[];
  sensitivity: Sensitivity;
}

export interface RegexRule {
  id: string;
  name: string;
  kind: 'regex';
  /** RE2 syntax (linear time): no backreferences or lookaround. */
  pattern: string;
  caseInsensitive: boolean;
  sensitivity: Sensitivity;
}

export type CustomRule = KeywordRule | RegexRule;

export interface LabelMapping {
  /** The Microsoft Purview sensitivity label GUID, as Outlook reports it. */
  labelId: string;
  name: string;
  sensitivity: Sensitivity;
}

export interface DetectionPolicy {
  /** Built-in detectors the organisation has switched off. */
  disabledDetectors: DetectorType[];
  customRules: CustomRule[];
  labels: LabelMapping[];
}

/**
 * The TLS levels of an Exchange Online TLS-required connector (its `TlsSettings`): what a receiving MX must
 * show before the connector hands it mail. Anything less and the mail waits in the queue, then bounces.
 */
export const FORCED_TLS_LEVELS = ['encryption-only', 'certificate-validation', 'domain-validation'] as const;
export type ForcedTlsLevel = (typeof FORCED_TLS_LEVELS)[number];

/** One domain (or `*.` subdomains) the org's own TLS-required connector covers, and how strictly. */
export interface ForcedTlsEntry {
  /** Lowercase A-label; `*.contoso.com` covers the subdomains of contoso.com (Exchange's semantics). */
  domain: string;
  level: ForcedTlsLevel;
  /** Exchange's `TlsDomain`: the name the MX certificate must carry; set exactly for `domain-validation`. */
  tlsDomain?: string | undefined;
}

/**
 * A stored or sent entry from before levels existed (a plain domain string) as an entry. Such a string
 * only ever said "a connector requires TLS here", so it becomes the level every TLS-required connector
 * checks at least: `encryption-only`. Entries already in the new shape are returned as they are.
 */
export function forcedTlsEntry(entry: string | ForcedTlsEntry): ForcedTlsEntry {
  return typeof entry === 'string' ? { domain: entry, level: 'encryption-only' } : entry;
}

export interface OrgPolicy {
  /** Domains the org's own TLS-required connectors cover; they count as `enforced` (enforcement `policy`). */
  forcedTlsDomains: ForcedTlsEntry[];
  /** The organisation's own domains; mail to them never leaves its systems. */
  internalDomains: string[];
  /** Partners the organisation has decided to trust regardless of their TLS. */
  trustedDomains: string[];
  /** What happens when sensitive content goes to a domain without enforced TLS, per sensitivity. */
  actions: Record<Sensitivity, Action>;
  /** How an `unknown` domain is treated when the content is sensitive. */
  unknownAs: Action;
  /** What happens when the TLS statuses could not be had (backend unreachable, out of time). */
  onBackendError: Action;
  /** Whether the secure portal is offered as the way out. */
  portal: boolean;
  /**
   * Whether the activity view may keep the risky recipients' addresses (personal data) besides their
   * domains. Off by default: the add-in then sends none, and the server would drop them anyway.
   */
  activityAddresses: boolean;
  /** How long a portal message stays readable when the sender does not ask for less (days, 1..365). */
  portalDefaultExpiryDays: number;
  /** The longest a portal message may stay readable, extensions included, counted from sending (days). */
  portalMaxExpiryDays: number;
  detection: DetectionPolicy;
}

/** The bounds of the policy's portal expiry fields, in days. */
export const PORTAL_EXPIRY_BOUNDS = { min: 1, max: 365 } as const;
/** The portal expiry of policies from before the fields existed (then fixed). */
export const PORTAL_EXPIRY_DEFAULTS = { defaultDays: 14, maxDays: 90 } as const;

const expiryDaysOk = (days: unknown): days is number =>
  Number.isInteger(days) &&
  (days as number) >= PORTAL_EXPIRY_BOUNDS.min &&
  (days as number) <= PORTAL_EXPIRY_BOUNDS.max;

/**
 * The policy's portal expiry, in days. A policy kept from before the fields existed (or damaged) gets the
 * former fixed values for what it lacks, and a default over the maximum is cut to the maximum: never longer
 * than the organisation allows.
 */
export function portalExpiry(
  policy: Partial<Pick<OrgPolicy, 'portalDefaultExpiryDays' | 'portalMaxExpiryDays'>>,
): { defaultDays: number; maxDays: number } {
  const maxDays = expiryDaysOk(policy.portalMaxExpiryDays)
    ? policy.portalMaxExpiryDays
    : PORTAL_EXPIRY_DEFAULTS.maxDays;
  const defaultDays = expiryDaysOk(policy.portalDefaultExpiryDays)
    ? policy.portalDefaultExpiryDays
    : PORTAL_EXPIRY_DEFAULTS.defaultDays;
  return { defaultDays: Math.min(defaultDays, maxDays), maxDays };
}

/** What counts as an address in activity reports: plausible, not validated (at most 254 characters). */
export const ACTIVITY_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const DEFAULT_POLICY: OrgPolicy = {
  forcedTlsDomains: [],
  internalDomains: [],
  trustedDomains: [],
  actions: { high: 'block', medium: 'warn', low: 'allow' },
  unknownAs: 'warn',
  onBackendError: 'warn',
  portal: false,
  activityAddresses: false,
  portalDefaultExpiryDays: PORTAL_EXPIRY_DEFAULTS.defaultDays,
  portalMaxExpiryDays: PORTAL_EXPIRY_DEFAULTS.maxDays,
  detection: { disabledDetectors: [], customRules: [], labels: [] },
};

const ACTION_RANK: Record<Action, number> = { allow: 0, warn: 1, block: 2 };

/** The stricter of two actions. */
export function stricter(a: Action, b: Action): Action {
  return ACTION_RANK[a] >= ACTION_RANK[b] ? a : b;
}

/** True when `domain` is `listed` or a subdomain of it. Both are lowercase A-labels. */
export function domainIsCovered(domain: string, listed: readonly string[]): boolean {
  return listed.some((entry) => domain === entry || domain.endsWith(`.${entry}`));
}

/**
 * Whether a TLS-required connector entry covers `domain`, with Exchange's semantics: `contoso.com` covers
 * exactly that domain, `*.contoso.com` covers its subdomains. Claiming `enforced` too widely is the
 * dangerous mistake, so nothing else matches.
 */
export function forcedTlsCovers(domain: string, entries: readonly ForcedTlsEntry[]): boolean {
  // Not through forcedTlsEntryFor: the on-send bundle needs only this, and every byte of it counts.
  return entries.some((entry) => entryCovers(entry.domain, domain));
}

function entryCovers(name: string, domain: string): boolean {
  return name.startsWith('*.')
    ? domain.endsWith(name.slice(1)) && domain.length > name.length - 1
    : domain === name;
}

/** The entry that covers `domain`: the exact one before a wildcard, as Exchange picks the most specific. */
export function forcedTlsEntryFor(
  domain: string,
  entries: readonly ForcedTlsEntry[],
): ForcedTlsEntry | undefined {
  let wildcard: ForcedTlsEntry | undefined;
  for (const entry of entries) {
    const name = entry.domain;
    if (name === domain) return entry;
    if (entryCovers(name, domain) && (!wildcard || name.length > wildcard.domain.length)) wildcard = entry;
  }
  return wildcard;
}
