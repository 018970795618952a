import type { FastifyReply } from 'fastify';
import type { PolicyDocument } from '../../contract/policy';
import type { StoredPolicy } from '../store/store';
import { policyEtag } from './if-match';

/** The policy as GET /policy and every policy write answer it (src/contract/policy.ts), with its ETag. */

function present(stored: StoredPolicy): PolicyDocument {
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
