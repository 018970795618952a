import { DEFAULT_POLICY, type OrgPolicy } from '../core/policy';
import { diffPolicy } from './policy-diff';
import type { PolicyAuditEntry, PolicyWriteResult, Store, StoredPolicy } from './store/store';

/**
 * The org policy with optimistic concurrency (version = ETag) and an audit entry per change. Reads are
 * cached briefly because every lookup consults the forced-TLS list; another instance's change shows
 * within the cache time.
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

const CACHE_MS = 5000;

export function createPolicyService(store: Store, now: () => number = Date.now): PolicyService {
  let cached: { value: StoredPolicy; at: number } | null = null;

  const current = async (): Promise<StoredPolicy> => {
    if (cached && now() - cached.at < CACHE_MS) return cached.value;
    const stored = await store.getPolicy();
    const value = stored ?? { policy: DEFAULT_POLICY, version: 0, updatedAt: 0, updatedBy: 'default' };
    cached = { value, at: now() };
    return value;
  };

  return {
    current,
    peek: () => (cached && now() - cached.at < CACHE_MS ? cached.value : null),
    async replace(policy, expectedVersion, actor, note) {
      const before = (await store.getPolicy())?.policy ?? DEFAULT_POLICY;
      const result = await store.putPolicy(policy, expectedVersion, actor, diffPolicy(before, policy), note);
      cached = result.ok ? { value: result.stored, at: now() } : null;
      return result;
    },
    audit: (limit) => store.policyAudit(limit),
    version: (version) => store.policyVersion(version),
  };
}
