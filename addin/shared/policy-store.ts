import {
  DEFAULT_POLICY,
  FORCED_TLS_LEVELS,
  forcedTlsEntry,
  PORTAL_EXPIRY_BOUNDS,
  portalExpiry,
  stricter,
  type Action,
  type CustomRule,
  type ForcedTlsEntry,
  type LabelMapping,
  type OrgPolicy,
} from '../../src/core/policy';
import type { DurableStore, LocalStore, RoamingStore } from '../office/storage';
import type { PolicyDocument } from './api';
import type { BuildOnBackendError } from './build-info';

/**
 * The last org policy the add-in fetched, kept across sessions, so that an unreachable backend does not turn
 * the org's choices (onBackendError, rules, label mappings) into the defaults. It is kept exactly as the org
 * published it; where it cannot be, what is kept can only be stricter:
 *
 * - roaming settings (every client; 32 KB for all settings) get the whole policy when it fits; else the policy
 *   without its allow-lists (internal, trusted and TLS-required domains: without them recipients are judged,
 *   never let through unjudged); else only the strictest action the policy can take, which then applies to
 *   every message until the backend answers again.
 * - OfficeRuntime.storage, where the runtime has it, gets the whole policy (up to the server's 1 MiB).
 *
 * What is read back is validated; anything corrupt, oversized or of another format counts as absent, and with
 * no copy the build's ADDIN_ON_BACKEND_ERROR applies to every message the org's policy cannot be had for.
 * A copy kept before forced-TLS levels existed lists plain domain strings; readOrgPolicy() upgrades them.
 * Roaming settings are not tamper-proof (a user can edit their own with EWS or MAPI).
 */

export const POLICY_STORE_KEY = 'tlsgate.lastPolicy';
/** Budget units (ASCII characters; anything else counts 6, as `\uXXXX`) under the 32 KB roaming limit. */
export const ROAMING_BUDGET = 30_000;
/** The server takes policies up to 1 MiB; their JSON with non-ASCII escaped stays under this. */
export const LOCAL_BUDGET = 6 * 1024 * 1024;

type StoredRecord =
  | { v: 1; kind: 'full' | 'trimmed'; version: number; policy: OrgPolicy }
  | { v: 1; kind: 'too-large'; version: number; strictest: Action };

export type LastPolicy =
  | { kind: 'full' | 'trimmed'; version: number; policy: OrgPolicy }
  | { kind: 'too-large'; version: number; strictest: Action };

const ACTIONS: readonly unknown[] = ['allow', 'warn', 'block'];
const SENSITIVITIES: readonly unknown[] = ['high', 'medium', 'low'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

export function isAction(value: unknown): value is Action {
  return ACTIONS.includes(value);
}

const LEVELS: readonly unknown[] = FORCED_TLS_LEVELS;

/** An entry as the API sends it: the certificate name with domain validation, and only there. */
function isForcedTlsEntry(value: unknown): value is ForcedTlsEntry {
  return (
    isObject(value) &&
    typeof value.domain === 'string' &&
    LEVELS.includes(value.level) &&
    typeof value.tlsDomain === (value.level === 'domain-validation' ? 'string' : 'undefined')
  );
}

/** A policy as kept or sent, where forced-TLS entries may still be plain strings (see forcedTlsEntry). */
export type KeptOrgPolicy = Omit<OrgPolicy, 'forcedTlsDomains'> & {
  forcedTlsDomains: Array<string | ForcedTlsEntry>;
};

function isRule(value: unknown): value is CustomRule {
  if (!isObject(value) || typeof value.id !== 'string' || typeof value.name !== 'string') return false;
  if (!SENSITIVITIES.includes(value.sensitivity)) return false;
  if (value.kind === 'keywords') return isStrings(value.keywords) && value.keywords.length > 0;
  return (
    value.kind === 'regex' && typeof value.pattern === 'string' && typeof value.caseInsensitive === 'boolean'
  );
}

function isLabel(value: unknown): value is LabelMapping {
  return (
    isObject(value) &&
    typeof value.labelId === 'string' &&
    typeof value.name === 'string' &&
    SENSITIVITIES.includes(value.sensitivity)
  );
}

/** Days within the policy's bounds, or absent: policies from before the portal expiry fields lack them. */
function isExpiryDays(value: unknown): boolean {
  return (
    value === undefined ||
    (typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= PORTAL_EXPIRY_BOUNDS.min &&
      value <= PORTAL_EXPIRY_BOUNDS.max)
  );
}

/** A policy without the portal expiry fields gets the values they had before they existed. */
function withPortalExpiry(policy: OrgPolicy): OrgPolicy {
  const { defaultDays, maxDays } = portalExpiry(policy);
  return { ...policy, portalDefaultExpiryDays: defaultDays, portalMaxExpiryDays: maxDays };
}

/**
 * Whether `value` has every field the decision reads, of the right type (fields it does not know are fine).
 * The portal expiry fields may be missing (a policy kept from before them); read them with portalExpiry().
 * Forced-TLS entries may be plain strings: use readOrgPolicy(), which upgrades them, before deciding.
 */
export function isOrgPolicy(value: unknown): value is KeptOrgPolicy {
  if (!isObject(value) || !isObject(value.actions) || !isObject(value.detection)) return false;
  const { actions, detection } = value;
  return (
    Array.isArray(value.forcedTlsDomains) &&
    value.forcedTlsDomains.every((entry) => typeof entry === 'string' || isForcedTlsEntry(entry)) &&
    isStrings(value.internalDomains) &&
    isStrings(value.trustedDomains) &&
    isAction(actions.high) &&
    isAction(actions.medium) &&
    isAction(actions.low) &&
    isAction(value.unknownAs) &&
    isAction(value.onBackendError) &&
    typeof value.portal === 'boolean' &&
    typeof value.activityAddresses === 'boolean' &&
    isExpiryDays(value.portalDefaultExpiryDays) &&
    isExpiryDays(value.portalMaxExpiryDays) &&
    isStrings(detection.disabledDetectors) &&
    Array.isArray(detection.customRules) &&
    detection.customRules.every(isRule) &&
    Array.isArray(detection.labels) &&
    detection.labels.every(isLabel)
  );
}

/**
 * `value` as a policy the decision can read, forced-TLS strings upgraded to entries; null when it is not
 * one (then the caller fails closed as for a missing policy).
 */
export function readOrgPolicy(value: unknown): OrgPolicy | null {
  if (!isOrgPolicy(value)) return null;
  return { ...value, forcedTlsDomains: value.forcedTlsDomains.map(forcedTlsEntry) };
}

/** A size in budget units: a conservative stand-in for what the JSON takes once Office stores it. */
export function storedSize(json: string): number {
  let size = 0;
  for (let i = 0; i < json.length; i++) size += json.charCodeAt(i) < 0x80 ? 1 : 6;
  return size;
}

/** The strictest action `policy` can take for any message. */
export function strictestAction(policy: OrgPolicy): Action {
  return [policy.actions.medium, policy.actions.low, policy.unknownAs, policy.onBackendError].reduce(
    stricter,
    policy.actions.high,
  );
}

/** The policy before any was ever seen: the defaults, with the build's choice for what cannot be checked. */
export function fallbackPolicy(action: Action): OrgPolicy {
  return { ...DEFAULT_POLICY, unknownAs: action, onBackendError: action };
}

function parseRecord(value: unknown, budget: number): LastPolicy | null {
  let record: unknown = value;
  try {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (storedSize(text) > budget) return null;
    if (typeof value === 'string') record = JSON.parse(value) as unknown;
  } catch {
    return null;
  }
  if (!isObject(record) || record.v !== 1) return null;
  const { version } = record;
  if (typeof version !== 'number' || !Number.isFinite(version)) return null;
  if (record.kind === 'too-large')
    return isAction(record.strictest) ? { kind: 'too-large', version, strictest: record.strictest } : null;
  if (record.kind !== 'full' && record.kind !== 'trimmed') return null;
  const policy = readOrgPolicy(record.policy);
  return policy ? { kind: record.kind, version, policy: withPortalExpiry(policy) } : null;
}

const COMPLETENESS: Readonly<Record<LastPolicy['kind'], number>> = { full: 2, trimmed: 1, 'too-large': 0 };

/** The newest valid copy kept, the most complete one on a tie; null when there is none. Never rejects. */
export async function loadLastPolicy(store: DurableStore): Promise<LastPolicy | null> {
  const copies: LastPolicy[] = [];
  try {
    const roaming = store.roaming ? parseRecord(store.roaming.get(POLICY_STORE_KEY), ROAMING_BUDGET) : null;
    if (roaming) copies.push(roaming);
  } catch {
    // unreadable: absent
  }
  try {
    const local = store.local ? parseRecord(await store.local.get(POLICY_STORE_KEY), LOCAL_BUDGET) : null;
    if (local) copies.push(local);
  } catch {
    // unreadable: absent
  }
  let best: LastPolicy | null = null;
  for (const copy of copies)
    if (
      !best ||
      copy.version > best.version ||
      (copy.version === best.version && COMPLETENESS[copy.kind] > COMPLETENESS[best.kind])
    )
      best = copy;
  return best;
}

/** Roaming settings: the first candidate that fits and saves; with none, nothing is left behind. */
async function saveRoaming(roaming: RoamingStore, candidates: readonly StoredRecord[]): Promise<void> {
  const current = JSON.stringify(roaming.get(POLICY_STORE_KEY));
  for (const candidate of candidates) {
    const text = JSON.stringify(candidate);
    if (storedSize(text) > ROAMING_BUDGET) continue;
    // Unchanged: no round trip to the mailbox on every send.
    if (text === current) return;
    try {
      await roaming.save(POLICY_STORE_KEY, candidate);
      return;
    } catch {
      // too big after all, or the save failed: try the next, smaller candidate
    }
  }
  // An older copy could be laxer than what the org publishes now.
  await roaming.remove(POLICY_STORE_KEY);
}

async function saveLocal(local: LocalStore, text: string): Promise<void> {
  if ((await local.get(POLICY_STORE_KEY)) !== text) await local.set(POLICY_STORE_KEY, text);
}

/** Keeps a policy the backend sent, in every store there is. Never rejects; a store that fails keeps nothing new. */
export async function savePolicy(store: DurableStore, document: PolicyDocument): Promise<void> {
  const { version } = document;
  const policy = readOrgPolicy(document.policy);
  if (!policy || typeof version !== 'number' || !Number.isFinite(version)) return;
  const full: StoredRecord = { v: 1, kind: 'full', version, policy };
  const trimmed: StoredRecord = {
    v: 1,
    kind: 'trimmed',
    version,
    policy: { ...policy, forcedTlsDomains: [], internalDomains: [], trustedDomains: [] },
  };
  const tooLarge: StoredRecord = { v: 1, kind: 'too-large', version, strictest: strictestAction(policy) };
  const fullText = JSON.stringify(full);
  const saves: Promise<void>[] = [];
  if (store.local) {
    const local = store.local;
    const text = storedSize(fullText) <= LOCAL_BUDGET ? fullText : JSON.stringify(tooLarge);
    saves.push(saveLocal(local, text).catch(() => local.remove(POLICY_STORE_KEY)));
  }
  if (store.roaming) saves.push(saveRoaming(store.roaming, [full, trimmed, tooLarge]));
  await Promise.all(saves.map((save) => save.catch(() => undefined)));
}

/** The policy the send check applies without the backend, and the least it must do because it knows less. */
export interface OfflinePolicy {
  policy: OrgPolicy;
  source: 'stored' | 'too-large' | 'build-default';
  /**
   * Without the org's rules no content can be judged, so every message gets at least this: the build's
   * ADDIN_ON_BACKEND_ERROR when no policy was ever kept, the policy's strictest action when it was too large
   * to keep. Null when the kept policy decides.
   */
  floor: Action | null;
}

export function offlinePolicy(last: LastPolicy | null, buildDefault: BuildOnBackendError): OfflinePolicy {
  if (!last) return { policy: fallbackPolicy(buildDefault), source: 'build-default', floor: buildDefault };
  if (last.kind === 'too-large')
    return { policy: fallbackPolicy(last.strictest), source: 'too-large', floor: last.strictest };
  return { policy: last.policy, source: 'stored', floor: null };
}
