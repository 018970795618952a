import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../contract/error-schema';
import {
  auditQuery,
  auditResponse,
  canonicalPolicy,
  ifMatchHeaders,
  notModified,
  policyDocumentSchema,
  policySchema,
} from '../../contract/policy';
import { checkLockout } from '../admin/lockout';
import { ApiError } from '../errors';
import { expectedVersion, policyEtag, versionConflict } from '../http/if-match';
import { POLICY_BODY_LIMIT } from '../http/limits';
import { sendPolicy } from '../http/policy-document';
import { requireAdmin } from '../http/require-admin';

export function policyRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/policy',
    {
      schema: {
        summary: "The organisation's policy",
        description:
          'What the add-in needs to decide: actions, domain lists and detection rules. Honours If-None-Match.',
        response: { 200: policyDocumentSchema, 304: notModified, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const stored = await app.services.policy.current();
      if (request.headers['if-none-match'] === policyEtag(stored.version))
        return reply.status(304).send(null);
      return sendPolicy(reply, stored);
    },
  );

  api.put(
    '/admin/policy',
    {
      bodyLimit: POLICY_BODY_LIMIT,
      schema: {
        summary: 'Replace the policy (admin)',
        description:
          'Needs If-Match with the current ETag, so two admins cannot overwrite each other. Every change is audited.',
        headers: ifMatchHeaders,
        body: policySchema,
        response: { 200: policyDocumentSchema, ...errorResponses(400, 401, 403, 412, 428) },
      },
    },
    async (request, reply) => {
      const identity = requireAdmin(request);
      const expected = expectedVersion(request.headers['if-match']);
      const policy = canonicalPolicy(request.body);
      const lockout = checkLockout(policy);
      if (!lockout.ok) throw new ApiError('POLICY_LOCKOUT', lockout.message);
      const result = await app.services.policy.replace(policy, expected, identity.subject);
      if (!result.ok) throw versionConflict(result.currentVersion);
      request.log.info({ version: result.stored.version, actor: identity.subject }, 'policy replaced');
      return sendPolicy(reply, result.stored);
    },
  );

  api.get(
    '/admin/policy/audit',
    {
      schema: {
        summary: 'Policy change history (admin)',
        querystring: auditQuery,
        response: { 200: auditResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      requireAdmin(request);
      const entries = await app.services.policy.audit(request.query.limit);
      return {
        entries: entries.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })),
      };
    },
  );
}
