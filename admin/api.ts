import {
  ApiCallError,
  createApiClient,
  createRequester,
  type ApiClient,
  type ApiClientOptions,
} from '../addin/shared/api';
import type { ActivityDecision, ActivitySummary } from '../src/contract/activity';
import type { ConnectorPreview, Me, Validation } from '../src/contract/admin';
import type { DomainHealth, HealthResponse, Proposal, ProposalsResponse } from '../src/contract/forced-tls';
import type { AuditEntry, PolicyChange, PolicyDocument } from '../src/contract/policy';
import type { OrgPolicy } from '../src/core/policy';

/** The admin console's calls to the backend: the admin routes, plus lookups through the add-in's client. */

// The shapes are the API contract's, as types: the console does not bundle the schemas.
export type {
  ActivityDecision,
  ActivitySummary,
  AuditEntry,
  ConnectorPreview,
  DomainHealth,
  HealthResponse,
  Me,
  PolicyChange,
  PolicyDocument,
  Proposal,
  ProposalsResponse,
  Validation,
};

export interface AdminApi {
  readonly lookups: ApiClient;
  me(): Promise<Me>;
  policy(): Promise<PolicyDocument>;
  savePolicy(policy: OrgPolicy, basedOnVersion: number): Promise<PolicyDocument>;
  validatePolicy(candidate: unknown): Promise<Validation>;
  policyVersion(version: number): Promise<PolicyDocument>;
  rollback(version: number, basedOnVersion: number): Promise<PolicyDocument>;
  audit(limit: number): Promise<AuditEntry[]>;
  previewConnectorImport(connectorsJson: string): Promise<ConnectorPreview>;
  activity(days: number): Promise<ActivitySummary>;
  /** Every forced-TLS domain's delivery state and 90-day history, problems first. */
  forcedTlsHealth(): Promise<HealthResponse>;
  /** Probes one listed forced-TLS domain now and answers its health as it is after that check. */
  checkForcedTls(domain: string): Promise<DomainHealth>;
  /** Candidates for a TLS-required connector from the last `days` of activity, and the unsuitable ones. */
  proposals(days: number): Promise<ProposalsResponse>;
  /** A CSV export as text (a link cannot carry the bearer token). */
  csv(path: string): Promise<string>;
}

const TIMEOUT_MS = 15_000;
/** Re-checks probe real mail servers; they can take a while. */
export const LOOKUP_TIMEOUT_MS = 60_000;

const ifMatch = (version: number): Record<string, string> => ({ 'if-match': `"policy-v${version}"` });

export function createAdminApi(options: ApiClientOptions): AdminApi {
  const request = createRequester(options);
  const json = (body: unknown): string => JSON.stringify(body);
  return {
    lookups: createApiClient(options),
    me: () => request<Me>('/api/v1/admin/me', { method: 'GET' }, TIMEOUT_MS),
    policy: () => request<PolicyDocument>('/api/v1/policy', { method: 'GET' }, TIMEOUT_MS),
    savePolicy: (policy, basedOnVersion) =>
      request<PolicyDocument>(
        '/api/v1/admin/policy',
        { method: 'PUT', body: json(policy), headers: ifMatch(basedOnVersion) },
        TIMEOUT_MS,
      ),
    validatePolicy: (candidate) =>
      request<Validation>(
        '/api/v1/admin/policy/validate',
        { method: 'POST', body: json(candidate) },
        TIMEOUT_MS,
      ),
    policyVersion: (version) =>
      request<PolicyDocument>(`/api/v1/admin/policy/versions/${version}`, { method: 'GET' }, TIMEOUT_MS),
    rollback: (version, basedOnVersion) =>
      request<PolicyDocument>(
        '/api/v1/admin/policy/rollback',
        { method: 'POST', body: json({ version }), headers: ifMatch(basedOnVersion) },
        TIMEOUT_MS,
      ),
    audit: async (limit) =>
      (
        await request<{ entries: AuditEntry[] }>(
          `/api/v1/admin/policy/audit?limit=${limit}`,
          { method: 'GET' },
          TIMEOUT_MS,
        )
      ).entries,
    previewConnectorImport: (connectorsJson) =>
      request<ConnectorPreview>(
        '/api/v1/admin/forced-tls/import',
        { method: 'POST', body: json({ connectorsJson }) },
        TIMEOUT_MS,
      ),
    activity: (days) =>
      request<ActivitySummary>(`/api/v1/admin/activity?days=${days}`, { method: 'GET' }, TIMEOUT_MS),
    forcedTlsHealth: () =>
      request<HealthResponse>('/api/v1/admin/forced-tls/health', { method: 'GET' }, TIMEOUT_MS),
    checkForcedTls: (domain) =>
      request<DomainHealth>(
        '/api/v1/admin/forced-tls/health/check',
        { method: 'POST', body: json({ domain }) },
        LOOKUP_TIMEOUT_MS,
      ),
    proposals: (days) =>
      request<ProposalsResponse>(
        `/api/v1/admin/forced-tls/proposals?days=${days}`,
        { method: 'GET' },
        // Candidates are judged from cached reports, but a cold cache means probing.
        LOOKUP_TIMEOUT_MS,
      ),
    async csv(path) {
      const headers: Record<string, string> = { accept: 'text/csv' };
      const token = options.token ? await options.token() : null;
      if (token) headers.authorization = `Bearer ${token}`;
      let response: Response;
      try {
        response = await options.fetch(`${options.baseUrl.replace(/\/+$/, '')}${path}`, { headers });
      } catch {
        throw new ApiCallError('unreachable', 'TLS Gate could not be reached.');
      }
      if (!response.ok)
        throw new ApiCallError(
          response.status === 401 || response.status === 403 ? 'unauthorized' : 'rejected',
          `TLS Gate answered ${response.status}.`,
          response.status,
        );
      return response.text();
    },
  };
}

export function isVersionConflict(error: unknown): boolean {
  return error instanceof ApiCallError && error.code === 'VERSION_CONFLICT';
}
