import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../contract/error-schema';
import { domainHealthSchema, healthCheckBody, healthResponseSchema } from '../../contract/forced-tls';
import { ApiError } from '../errors';
import type { ForcedTlsHealthService } from '../forced-tls';
import { requireAdmin } from '../http/require-admin';

/**
 * The forced-TLS health view (admin): every entry of the policy with its delivery state and 90 days of
 * history, and "Check now" for one domain. A check queues its alerts and answers without waiting for
 * them to be sent.
 */
export function forcedTlsHealthRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const service = (): ForcedTlsHealthService => {
    const health = app.services.forcedTlsHealth;
    if (!health) throw new ApiError('NOT_READY', 'This store keeps no forced-TLS health.');
    return health;
  };

  api.get(
    '/admin/forced-tls/health',
    {
      schema: {
        summary: 'Delivery health of every forced-TLS domain, with 90 days of history (admin)',
        description:
          'Every entry of the policy, problems first: failing, at-risk, not yet checked, ok, then *. entries (never checked). History: each change and the first check of every day.',
        response: { 200: healthResponseSchema, ...errorResponses(401, 403, 503) },
      },
    },
    async (request) => {
      requireAdmin(request);
      return service().overview();
    },
  );

  api.post(
    '/admin/forced-tls/health/check',
    {
      schema: {
        summary: 'Check one forced-TLS domain now (admin)',
        description:
          'Probes the domain afresh, records the check and queues an alert if its state changed; answers with its health without waiting for the alert to be sent.',
        body: healthCheckBody,
        response: { 200: domainHealthSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const identity = requireAdmin(request);
      return service().checkNow(request.body.domain, identity.subject);
    },
  );
}
