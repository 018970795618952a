import type { PolicyChange } from '../../contract/policy';
import type { DomainReport } from '../../core/report';
import type { OrgPolicy } from '../../core/policy';
import type { ActivityStore } from './activity-store';
import type { HealthStore } from './health-store';
import type { PortalStore } from './portal-store';

/**
 * Everything the server keeps. Routes and services see only this interface; one implementation
 * (kysely-store.ts) serves both SQLite and PostgreSQL, opened by openStore (open.ts).
 */

export interface StoredReport {
  /** The report as JSON, exactly as the probe produced it: served without re-serialising. */
  json: string;
  domain: string;
  checkedAt: number;
  /** Fresh until then (ms since epoch). */
  expiresAt: number;
  /** May be served stale, while a refresh runs, until then. */
  staleUntil: number;
}

export interface StoredPolicy {
  policy: OrgPolicy;
  version: number;
  updatedAt: number;
  updatedBy: string;
}

export type { PolicyChange };

export interface PolicyAuditEntry {
  version: number;
  at: number;
  actor: string;
  changes: PolicyChange[];
  /** Why, when the change was not a plain edit (e.g. "Rolled back to version 3"); null otherwise. */
  note: string | null;
}

export type PolicyWriteResult = { ok: true; stored: StoredPolicy } | { ok: false; currentVersion: number };

export interface Store {
  /** Which database holds it (/readyz reports it); absent on stand-ins. */
  readonly dialect?: 'sqlite' | 'postgres';
  /** The secure portal's tables; a store without them cannot serve the portal. */
  readonly portal?: PortalStore;
  /** On-send activity counts; a store without them cannot serve the activity routes. */
  readonly activity?: ActivityStore;
  /** Forced-TLS health and the alert outbox; a store without them cannot monitor forced-TLS domains. */
  readonly health?: HealthStore;
  getReport(domain: string): Promise<StoredReport | null>;
  putReport(report: StoredReport): Promise<void>;
  /** The current policy, or null before anyone has set one. */
  getPolicy(): Promise<StoredPolicy | null>;
  /** Replaces the policy if its version is still `expectedVersion` (0: none yet), recording the audit entry. */
  putPolicy(
    policy: OrgPolicy,
    expectedVersion: number,
    actor: string,
    changes: PolicyChange[],
    note?: string,
  ): Promise<PolicyWriteResult>;
  policyAudit(limit: number): Promise<PolicyAuditEntry[]>;
  /** The policy as it was at `version` (from the audit log), or null when there is no such version. */
  policyVersion(version: number): Promise<StoredPolicy | null>;
  /** Answers when the database does. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type { DomainReport };
