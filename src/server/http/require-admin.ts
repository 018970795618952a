import type { FastifyRequest } from 'fastify';
import type { Identity } from '../auth';
import { ApiError } from '../errors';

/** The signed-in caller, who must hold the admin role: 401 without sign-in, 403 without the role. */
export function requireAdmin(request: FastifyRequest): Identity {
  const identity = request.identity;
  if (!identity) throw new ApiError('UNAUTHENTICATED');
  if (!identity.admin) throw new ApiError('FORBIDDEN');
  return identity;
}
