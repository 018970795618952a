import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  domainParams,
  freshQuery,
  lookupBody,
  lookupResponse,
  lookupResultSchema,
} from '../../contract/domains';
import { errorSchema } from '../../contract/error-schema';
import { notModified } from '../../contract/policy';
import { MAX_LOOKUP_BATCH } from '../../contract/limits';
import { ApiError } from '../errors';
import { etagMatches } from '../http/etag';
import { canonicalDomain, type RenderedReport } from '../lookup';

/**
 * A lookup may be kept by the browser (the add-in's fetch) but never by a shared cache, and is revalidated
 * on every use: each request still passes sign-in, rate limits and the current policy, and a 304 saves
 * only the body.
 */
const LOOKUP_CACHE_CONTROL = 'private, no-cache';
const JSON_TYPE = 'application/json; charset=utf-8';
const BATCH_OPEN = Buffer.from('{"reports":[');
const BATCH_CLOSE = Buffer.from(']}');
const COMMA = 0x2c;

/** {"reports":[...]} from the answers' ready bytes: one copy each (Buffer.concat costs twice as much). */
function batchBytes(reports: readonly RenderedReport[]): Buffer {
  let length = BATCH_OPEN.length + BATCH_CLOSE.length + Math.max(reports.length - 1, 0);
  for (const report of reports) length += report.bytes.length;
  const bytes = Buffer.allocUnsafe(length);
  let offset = BATCH_OPEN.copy(bytes, 0);
  reports.forEach((report, index) => {
    if (index > 0) bytes[offset++] = COMMA;
    offset += report.bytes.copy(bytes, offset);
  });
  BATCH_CLOSE.copy(bytes, offset);
  return bytes;
}

/** A single lookup's answer: its bytes with their ETag, or 304 when If-None-Match names that ETag. */
function sendLookup(request: FastifyRequest, reply: FastifyReply, answer: RenderedReport): void {
  void reply.header('etag', answer.etag).header('cache-control', LOOKUP_CACHE_CONTROL);
  // No payload at all: send(null) would serialise "null" and announce a body of 4 bytes.
  if (etagMatches(request.headers['if-none-match'], answer.etag)) void reply.code(304).send();
  // Ready bytes: nothing is serialised or encoded per request on the cached hot path.
  else void reply.type(JSON_TYPE).send(answer.bytes);
}

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
        description:
          'The DomainReport plus cache metadata. An address is looked up by its domain. The answer carries an ETag; a request whose If-None-Match names it gets 304 Not Modified without a body.',
        params: domainParams,
        querystring: freshQuery,
        response: {
          200: lookupResultSchema,
          304: notModified,
          400: errorSchema,
          401: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    (request, reply) => {
      const parsed = canonicalDomain(request.params.domain);
      if (!parsed.ok) throw new ApiError('INVALID_DOMAIN', parsed.message);
      const forced = fresh(request.query);
      // A fresh cache hit is answered at once, without a promise (the hot path); anything else waits.
      const hit = forced ? null : app.services.lookup.cachedDomain(parsed.domain);
      if (hit) {
        sendLookup(request, reply, hit);
        return undefined;
      }
      return app.services.lookup.lookupDomain(parsed.domain, forced, caller(request)).then((answer) => {
        sendLookup(request, reply, answer);
      });
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
      return reply.type(JSON_TYPE).send(batchBytes(reports) as never);
    },
  );
}
