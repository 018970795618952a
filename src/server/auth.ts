import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from './config';
import { ApiError } from './errors';

/** Who is calling. `subject` keys rate limits and audit entries; it is never a mail address. */
export interface Identity {
  subject: string;
  name: string;
  admin: boolean;
  via: 'open' | 'entra' | 'admin-token';
  /** The mail address an Entra token vouches for (`preferred_username`, else `upn`), when it has one. */
  email?: string;
}

/** A claim that can name a mailbox: one @, no spaces, at most 254 characters. */
function addressClaim(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const address = value.trim();
  return address.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) ? address : null;
}

/** Synchronous where it can be (open auth, admin token), so the hot path needs no promise. */
export type Authenticator = (request: FastifyRequest) => Identity | Promise<Identity>;

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw new ApiError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
  return match[1];
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

export function createAuthenticator(config: Config): Authenticator {
  const adminToken = config.adminToken;
  const viaAdminToken = (token: string | null): Identity | null =>
    adminToken !== null && token !== null && sameSecret(token, adminToken)
      ? { subject: 'admin-token', name: 'Admin token', admin: true, via: 'admin-token' }
      : null;

  if (config.auth === 'open') {
    return (request) => {
      const admin = viaAdminToken(bearer(request));
      if (admin) return admin;
      // Local use: everyone is a user, and an admin too unless an admin token guards the admin routes.
      return { subject: `ip:${request.ip}`, name: 'Local user', admin: adminToken === null, via: 'open' };
    };
  }

  const entra = config.entra;
  if (!entra) throw new Error('entra auth needs its settings');
  const jwks = createRemoteJWKSet(new URL(entra.jwksUrl), {
    timeoutDuration: 5000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });

  return (request) => {
    const token = bearer(request);
    if (token === null) throw new ApiError('UNAUTHENTICATED', 'Sign in: a bearer token is required.');
    return viaAdminToken(token) ?? verifyEntraToken(token);
  };

  async function verifyEntraToken(token: string): Promise<Identity> {
    if (!entra) throw new Error('entra auth needs its settings');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: entra.issuers,
        audience: entra.audience,
        algorithms: ['RS256'],
        clockTolerance: 60,
        requiredClaims: ['exp', 'tid'],
      }));
    } catch (error) {
      throw new ApiError('UNAUTHENTICATED', tokenProblem(error));
    }
    if (typeof payload.tid !== 'string' || payload.tid.toLowerCase() !== entra.tenantId)
      throw new ApiError('UNAUTHENTICATED', 'The token was issued for another tenant.');

    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((role) => typeof role === 'string')
      : [];
    const groups = Array.isArray(payload.groups)
      ? payload.groups.filter((group) => typeof group === 'string')
      : [];
    const subject = typeof payload.oid === 'string' ? payload.oid : (payload.sub ?? 'unknown');
    const email = addressClaim(payload.preferred_username) ?? addressClaim(payload.upn);
    return {
      ...(email !== null ? { email } : {}),
      subject: `user:${subject}`,
      name: typeof payload.name === 'string' ? payload.name.slice(0, 100) : subject,
      admin:
        roles.includes(entra.adminRole) ||
        (entra.adminGroupId !== null && groups.some((group) => group.toLowerCase() === entra.adminGroupId)),
      via: 'entra',
    };
  }
}

function tokenProblem(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; sign in again.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The token is for another application (audience).';
    if (error.claim === 'iss') return 'The token comes from an unexpected issuer.';
    return `The token's "${error.claim}" claim is not acceptable.`;
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid)
    return 'The signing keys could not be fetched; try again shortly.';
  return 'The token is not valid.';
}
