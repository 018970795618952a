import { DEFAULT_POLICY, type OrgPolicy } from '../core/policy';
import { createLocalFleet, type Fleet } from './fleet/fleet';
import { diffPolicy } from './policy-diff';
import type { PolicyAuditEntry, PolicyWriteResult, Store, StoredPolicy } from './store/store';

/**
 * The org policy with optimistic concurrency (version = ETag) and an audit entry per change. Reads are
 * cached because every lookup consults the forced-TLS list. A change saved on any instance is in force on
 * every instance within 1 s: the saving instance tells the fleet, every instance drops its cache when
 * told, and a cache is trusted beyond 1 s only while the fleet confirms it has heard every notice sent up
 * to the last second (fleet.syncedAt). Without that confirmation (the notice connection is down) a read
 * is kept 1 s at most.
 */

export interface PolicyService {
  current(): Promise<StoredPolicy>;
  /** The cached policy while it is fresh, without waiting; null when current() must read it. */
  peek(): StoredPolicy | null;
  /** `note` says why in the audit log when the change is not a plain edit (e.g. a rollback). */
  replace(
    policy: OrgPolicy,
    expectedVersion: number,
    actor: string,
    note?: string,
  ): Promise<PolicyWriteResult>;
  audit(limit: number): Promise<PolicyAuditEntry[]>;
  /** The policy as it was at a past (or the current) version; null when there is no such version. */
  version(version: number): Promise<StoredPolicy | null>;
}

/** How long a read is kept while the fleet hears every change notice. */
const CACHE_MS = 5000;
/** How long a read is kept otherwise, and how recent the fleet's confirmation must be: the 1 s promise. */
const UNCONFIRMED_MS = 1000;

type PolicyFleet = Pick<Fleet, 'onPolicyChange' | 'policyChanged' | 'syncedAt'>;

export function createPolicyService(
  store: Store,
  now: () => number = Date.now,
  fleet: PolicyFleet = createLocalFleet(),
): PolicyService {
  let cached: { value: StoredPolicy; at: number } | null = null;
  // Bumped by every notice, so a read that was under way when one came is not cached (it may be older).
  let generation = 0;
  fleet.onPolicyChange((version) => {
    if (version !== null && cached?.value.version === version) return;
    cached = null;
    generation++;
  });

  const fresh = (entry: { at: number }): boolean => {
    const at = now();
    const age = at - entry.at;
    return age < UNCONFIRMED_MS || (age < CACHE_MS && at - fleet.syncedAt() < UNCONFIRMED_MS);
  };

  const current = async (): Promise<StoredPolicy> => {
    if (cached && fresh(cached)) return cached.value;
    const started = generation;
    const at = now();
    const stored = await store.getPolicy();
    const value = stored ?? { policy: DEFAULT_POLICY, version: 0, updatedAt: 0, updatedBy: 'default' };
    if (generation === started) cached = { value, at };
    return value;
  };

  return {
    current,
    peek: () => (cached && fresh(cached) ? cached.value : null),
    async replace(policy, expectedVersion, actor, note) {
      const before = (await store.getPolicy())?.policy ?? DEFAULT_POLICY;
      const result = await store.putPolicy(policy, expectedVersion, actor, diffPolicy(before, policy), note);
      generation++;
      cached = result.ok ? { value: result.stored, at: now() } : null;
      if (result.ok) await fleet.policyChanged(result.stored.version);
      return result;
    },
    audit: (limit) => store.policyAudit(limit),
    version: (version) => store.policyVersion(version),
  };
}
