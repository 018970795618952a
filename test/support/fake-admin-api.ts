import type {
  AdminApi,
  DomainHealth,
  HealthResponse,
  PolicyDocument,
  ProposalsResponse,
} from '../../admin/api';
import { ApiCallError, createApiClient } from '../../addin/shared/api';
import { canonicalPolicy, policySchema } from '../../src/contract/policy';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';

/**
 * The admin console's API for component tests, kept in memory: the policy is judged by the real contract
 * schema (so validation messages and paths are the server's), saves need the current version (If-Match),
 * and the forced-TLS health and proposals answer what the test sets. Calls are recorded.
 */
export interface FakeAdminApi {
  api: AdminApi;
  current: () => PolicyDocument;
  /** Another admin's save, between the console's load and its own save. */
  saveElsewhere: (policy: OrgPolicy) => void;
  health: HealthResponse;
  proposals: ProposalsResponse;
  /** What POST /admin/forced-tls/health/check answers next, per domain. */
  checks: Map<string, DomainHealth>;
  calls: string[];
  saved: OrgPolicy[];
}

const issuesOf = (
  candidate: unknown,
): Array<{ path: string; message: string; code: 'VALIDATION_FAILED' }> => {
  const parsed = policySchema.safeParse(candidate);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
        code: 'VALIDATION_FAILED' as const,
      }));
};

export function fakeAdminApi(policy: OrgPolicy = DEFAULT_POLICY): FakeAdminApi {
  let document: PolicyDocument = { policy, version: 1, updatedAt: null, updatedBy: 'default' };
  const fake: FakeAdminApi = {
    api: undefined as unknown as AdminApi,
    current: () => document,
    saveElsewhere: (next) => {
      document = { policy: next, version: document.version + 1, updatedAt: null, updatedBy: 'other' };
    },
    health: { domains: [], intervalSeconds: 21_600, alerts: { email: false, webhook: false } },
    proposals: { candidates: [], unsuitable: [], days: 30 },
    checks: new Map(),
    calls: [],
    saved: [],
  };
  const api: Partial<AdminApi> = {
    lookups: createApiClient({
      baseUrl: 'https://tlsgate.example.test',
      fetch: () => Promise.reject(new Error('offline')),
    }),
    savePolicy(candidate, basedOnVersion) {
      fake.calls.push(`PUT policy v${basedOnVersion}`);
      if (basedOnVersion !== document.version)
        return Promise.reject(
          new ApiCallError('rejected', 'TLS Gate answered 412.', 412, 'VERSION_CONFLICT', 'changed'),
        );
      const issues = issuesOf(candidate);
      if (issues.length > 0) {
        const first = issues[0];
        return Promise.reject(
          new ApiCallError(
            'rejected',
            'TLS Gate answered 400.',
            400,
            'VALIDATION_FAILED',
            first ? `body.${first.path}: ${first.message}` : 'invalid',
          ),
        );
      }
      const saved = canonicalPolicy(policySchema.parse(candidate));
      fake.saved.push(saved);
      document = { policy: saved, version: document.version + 1, updatedAt: null, updatedBy: 'admin' };
      return Promise.resolve(document);
    },
    validatePolicy(candidate) {
      fake.calls.push('validate');
      const problems = issuesOf(candidate);
      return Promise.resolve(problems.length > 0 ? { valid: false, problems } : { valid: true, changes: [] });
    },
    previewConnectorImport() {
      return Promise.reject(new ApiCallError('rejected', 'not in this test', 400));
    },
    forcedTlsHealth() {
      fake.calls.push('GET health');
      return Promise.resolve(structuredClone(fake.health));
    },
    checkForcedTls(domain) {
      fake.calls.push(`POST check ${domain}`);
      const answer = fake.checks.get(domain);
      return answer
        ? Promise.resolve(structuredClone(answer))
        : Promise.reject(
            new ApiCallError('rejected', 'TLS Gate answered 404.', 404, 'NOT_FOUND', 'not listed'),
          );
    },
    proposals(days) {
      fake.calls.push(`GET proposals ${days}`);
      return Promise.resolve(structuredClone(fake.proposals));
    },
  };
  fake.api = api as AdminApi;
  return fake;
}
