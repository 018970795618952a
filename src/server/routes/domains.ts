import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  domainParams,
  freshQuery,
  lookupBody,
  lookupResponse,
  lookupResultSchema,
} from '../../contract/domains';
import { errorSchema } from '../../contract/error-schema';
import { MAX_LOOKUP_BATCH } from '../../contract/limits';
import { normalizeDomainInput } from '../../core/domain';
import { ApiError } from '../errors';

export function domainRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const fresh = (query: { fresh?: string | undefined }): boolean =>
    query.fresh === '1' || query.fresh === 'true';
  // Each domain the cache cannot answer is charged to the caller (the auth hook guarantees one here).
  const caller = (request: FastifyRequest): string => request.identity?.subject ?? `ip:${request.ip}`;

  api.get(
    '/domains/:domain',
    {
      schema: {
        summary: "A recipient domain's inbound TLS",
        description: 'The DomainReport plus cache metadata. An address is looked up by its domain.',
        params: domainParams,
        querystring: freshQuery,
        response: {
          200: lookupResultSchema,
          400: errorSchema,
          401: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const parsed = normalizeDomainInput(request.params.domain);
      if (!parsed.ok) throw new ApiError('INVALID_DOMAIN', parsed.message);
      const json = await app.services.lookup.lookupDomain(
        parsed.domain,
        fresh(request.query),
        caller(request),
      );
      // Sent pre-serialised: the stored report is already JSON (the cached hot path).
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  api.post(
    '/domains/lookup',
    {
      schema: {
        summary: 'Many recipient domains at once',
        description: `Up to ${MAX_LOOKUP_BATCH} domains or addresses; reports come back in input order, duplicates probed once. Invalid entries get status "invalid". Every domain the cache cannot answer counts against the caller's probes per minute (429 RATE_LIMITED); a full probe queue is 503 BUSY. Both send Retry-After.`,
        querystring: freshQuery,
        body: lookupBody,
        response: {
          200: lookupResponse,
          400: errorSchema,
          401: errorSchema,
          413: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const reports = await app.services.lookup.lookup(
        request.body.domains,
        fresh(request.query),
        caller(request),
      );
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"reports":[${reports.join(',')}]}` as never);
    },
  );
}
