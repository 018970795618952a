import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkLockout } from '../admin/lockout';
import { ApiError } from '../errors';
import { expectedVersion, ifMatchHeaders, policyEtag, versionConflict } from '../http/if-match';
import { POLICY_BODY_LIMIT } from '../http/limits';
import { policyResponse, sendPolicy } from '../http/policy-document';
import { requireAdmin } from '../http/require-admin';
import { canonicalPolicy, policySchema } from '../policy-schema';
import { errorSchema } from './schemas';

export function policyRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/policy',
    {
      schema: {
        summary: "The organisation's policy",
        description:
          'What the add-in needs to decide: actions, domain lists and detection rules. Honours If-None-Match.',
        response: { 200: policyResponse, 304: z.null().describe('Not modified'), 401: errorSchema },
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
        response: {
          200: policyResponse,
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          412: errorSchema,
          428: errorSchema,
        },
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
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                version: z.number(),
                at: z.string(),
                actor: z.string(),
                changes: z.array(z.record(z.string(), z.unknown())),
                note: z
                  .string()
                  .nullable()
                  .describe('Why, when not a plain edit: "Rolled back to version 3".'),
              }),
            ),
          }),
          401: errorSchema,
          403: errorSchema,
        },
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
