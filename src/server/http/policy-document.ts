import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { policySchema } from '../policy-schema';
import type { StoredPolicy } from '../store/store';
import { policyEtag } from './if-match';

/** The policy as GET /policy and every policy write answer it: the body, its version and its ETag. */

export const policyResponse = z
  .object({
    policy: policySchema,
    version: z.number(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string(),
  })
  .meta({ id: 'PolicyDocument' });

function present(stored: StoredPolicy) {
  return {
    policy: stored.policy,
    version: stored.version,
    updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null,
    updatedBy: stored.updatedBy,
  };
}

/** Sends a policy document with its ETag. */
export function sendPolicy(reply: FastifyReply, stored: StoredPolicy): FastifyReply {
  return reply
    .header('etag', policyEtag(stored.version))
    .header('cache-control', 'no-cache')
    .send(present(stored));
}
