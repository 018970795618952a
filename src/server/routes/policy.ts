import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Identity } from '../auth';
import { POLICY_BODY_LIMIT } from '../app';
import { checkLockout } from '../admin/lockout';
import { ApiError } from '../errors';
import { canonicalPolicy, policySchema } from '../policy-schema';
import type { StoredPolicy } from '../store/store';
import { errorSchema } from './schemas';

export const policyResponse = z
  .object({
    policy: policySchema,
    version: z.number(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string(),
  })
  .meta({ id: 'PolicyDocument' });

function etag(version: number): string {
  return `"policy-v${version}"`;
}

function present(stored: StoredPolicy) {
  return {
    policy: stored.policy,
    version: stored.version,
    updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null,
    updatedBy: stored.updatedBy,
  };
}

/** Sends a policy document with its ETag, as GET /policy and every write answer. */
export function sendPolicy(reply: FastifyReply, stored: StoredPolicy): FastifyReply {
  return reply.header('etag', etag(stored.version)).header('cache-control', 'no-cache').send(present(stored));
}

/** The If-Match header of a policy write; required so two admins cannot overwrite each other. */
export const ifMatchHeaders = z.object({ 'if-match': z.string().max(100).optional() });

/** The version an If-Match names, or -1 for an ETag that is not ours (which then conflicts). */
export function expectedVersion(ifMatch: string | undefined): number {
  if (!ifMatch)
    throw new ApiError(428, 'PRECONDITION_REQUIRED', 'Send If-Match with the ETag of the policy you edited.');
  const match = /^"policy-v(\d+)"$/.exec(ifMatch.replace(/^W\//, ''));
  return match?.[1] !== undefined ? Number(match[1]) : -1;
}

export function versionConflict(currentVersion: number): ApiError {
  return new ApiError(
    412,
    'VERSION_CONFLICT',
    `The policy changed since you loaded it (now version ${currentVersion}); reload and apply your change again.`,
  );
}

export function requireAdmin(request: FastifyRequest): Identity {
  const identity = request.identity;
  if (!identity) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first.');
  if (!identity.admin) throw new ApiError(403, 'FORBIDDEN', 'This needs the TLS Gate admin role.');
  return identity;
}

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
      if (request.headers['if-none-match'] === etag(stored.version)) return reply.status(304).send(null);
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
      if (!lockout.ok) throw new ApiError(400, 'POLICY_LOCKOUT', lockout.message);
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
