import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  connectorImportBody,
  connectorImportSchema,
  MAX_PROBLEMS,
  meSchema,
  rollbackBody,
  validationSchema,
  versionParams,
  type PolicyProblem,
} from '../../contract/admin';
import { errorResponses } from '../../contract/error-schema';
import { MAX_CONNECTOR_JSON } from '../../contract/limits';
import { canonicalPolicy, ifMatchHeaders, policyDocumentSchema, policySchema } from '../../contract/policy';
import type { OrgPolicy } from '../../core/policy';
import { connectorImportChanges, importOutboundConnectors } from '../admin/exchange-connectors';
import { checkLockout } from '../admin/lockout';
import { ApiError } from '../errors';
import { expectedVersion, versionConflict } from '../http/if-match';
import { POLICY_BODY_LIMIT } from '../http/limits';
import { sendPolicy } from '../http/policy-document';
import { requireAdmin } from '../http/require-admin';
import { diffPolicy } from '../policy-diff';
import type { StoredPolicy } from '../store/store';

/**
 * The admin console's calls beyond PUT /admin/policy: who am I, policy history and rollback, a dry-run
 * validation for the editor, and a preview of importing Exchange Online's TLS-required connectors. Only
 * rollback writes; everything else leaves the policy as it is.
 */

function joinPath(parts: readonly PropertyKey[]): string {
  return parts.map((part) => String(part)).join('.');
}

function zodProblems(error: z.ZodError): PolicyProblem[] {
  return error.issues
    .flatMap((issue): PolicyProblem[] =>
      // One problem per unknown field, so the editor can point at each.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: joinPath([...issue.path, key]),
            message: `unknown field "${key.slice(0, 80)}"`,
            code: 'VALIDATION_FAILED',
          }))
        : [{ path: joinPath(issue.path), message: issue.message, code: 'VALIDATION_FAILED' }],
    )
    .slice(0, MAX_PROBLEMS);
}

/** A stored body under today's schema (defaults for fields added since), or why it no longer passes. */
function revive(stored: StoredPolicy): OrgPolicy {
  const parsed = policySchema.safeParse(stored.policy);
  if (!parsed.success) {
    const first = zodProblems(parsed.error)[0];
    throw new ApiError(
      'VALIDATION_FAILED',
      `Version ${stored.version} does not pass today's policy rules${first ? ` (${first.path}: ${first.message})` : ''}.`,
    );
  }
  return canonicalPolicy(parsed.data);
}

export function adminRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const policies = () => app.services.policy;
  const storedVersion = async (version: number): Promise<StoredPolicy> => {
    const stored = await policies().version(version);
    if (!stored)
      throw new ApiError('POLICY_VERSION_NOT_FOUND', `The policy history has no version ${version}.`);
    return stored;
  };

  api.get(
    '/admin/me',
    {
      schema: {
        summary: 'The signed-in admin (admin)',
        description: 'The console calls this after sign-in: 403 means the account lacks the admin role.',
        response: { 200: meSchema, ...errorResponses(401, 403) },
      },
    },
    (request) => {
      const identity = requireAdmin(request);
      return { name: identity.name, via: identity.via };
    },
  );

  api.get(
    '/admin/policy/versions/:version',
    {
      schema: {
        summary: 'The policy as it was at a version (admin)',
        params: versionParams,
        response: { 200: policyDocumentSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const stored = await storedVersion(request.params.version);
      return sendPolicy(reply, { ...stored, policy: revive(stored) });
    },
  );

  api.post(
    '/admin/policy/rollback',
    {
      schema: {
        summary: 'Restore an earlier policy version as a new version (admin)',
        description:
          'Needs If-Match with the current ETag, like PUT /admin/policy. The audit entry notes the rollback.',
        headers: ifMatchHeaders,
        body: rollbackBody,
        response: { 200: policyDocumentSchema, ...errorResponses(400, 401, 403, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      const identity = requireAdmin(request);
      const expected = expectedVersion(request.headers['if-match']);
      const { version } = request.body;
      const target = await storedVersion(version);
      const current = await policies().current();
      // A stale console is told to reload before anything else: what it showed is no longer current.
      if (current.version !== expected) throw versionConflict(current.version);
      // Today's rules apply: an old body that would now lock everyone out is refused like a PUT.
      const policy = revive(target);
      const lockout = checkLockout(policy);
      if (!lockout.ok) throw new ApiError('POLICY_LOCKOUT', lockout.message);
      if (diffPolicy(current.policy, policy).length === 0)
        throw new ApiError(
          'NOTHING_TO_ROLL_BACK',
          `Version ${version} is the same as the current policy (version ${current.version}); nothing would change.`,
        );
      const result = await policies().replace(
        policy,
        expected,
        identity.subject,
        `Rolled back to version ${version}`,
      );
      if (!result.ok) throw versionConflict(result.currentVersion);
      request.log.info(
        { version: result.stored.version, from: version, actor: identity.subject },
        'policy rolled back',
      );
      return sendPolicy(reply, result.stored);
    },
  );

  api.post(
    '/admin/policy/validate',
    {
      bodyLimit: POLICY_BODY_LIMIT,
      schema: {
        summary: 'Check a policy without saving it (admin)',
        description:
          'Any JSON body; always 200. Problems carry dotted paths for the editor; a valid policy comes with the changes it would make.',
        body: z.unknown(),
        response: { 200: validationSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requireAdmin(request);
      const parsed = policySchema.safeParse(request.body);
      if (!parsed.success) return { valid: false as const, problems: zodProblems(parsed.error) };
      const policy = canonicalPolicy(parsed.data);
      const lockout = checkLockout(policy);
      if (!lockout.ok)
        return {
          valid: false as const,
          problems: [{ path: '', message: lockout.message, code: 'POLICY_LOCKOUT' as const }],
        };
      return { valid: true as const, changes: diffPolicy((await policies().current()).policy, policy) };
    },
  );

  api.post(
    '/admin/forced-tls/import',
    {
      // The pasted JSON travels as a JSON string, whose escaping (quotes, backslashes, newlines) grows it.
      bodyLimit: 2 * MAX_CONNECTOR_JSON,
      schema: {
        summary: 'Preview importing TLS-required Exchange Online connectors (admin)',
        description:
          'Reads Get-OutboundConnector | ConvertTo-Json and shows what it would add to forcedTlsDomains, with each connector level and TlsDomain. Changes nothing: apply with PUT /admin/policy.',
        body: connectorImportBody,
        response: { 200: connectorImportSchema, ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request) => {
      requireAdmin(request);
      const json = request.body.connectorsJson;
      if (json.trim() === '') throw new ApiError('CONNECTOR_JSON_INVALID');
      const imported = importOutboundConnectors(json);
      if (!imported.ok) throw new ApiError('CONNECTOR_JSON_INVALID', imported.message);
      const current = await policies().current();
      const changes = connectorImportChanges(current.policy.forcedTlsDomains, imported.value.entries);
      return {
        connectors: imported.value.connectors,
        skipped: imported.value.skipped,
        add: changes.add,
        update: changes.update,
        keep: changes.keep,
        resultingForcedTlsDomains: changes.result,
        basedOnVersion: current.version,
      };
    },
  );
}
