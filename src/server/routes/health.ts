import type { FastifyInstance } from 'fastify';
import { ERRORS, errorBody } from '../errors';

export function healthRoutes(app: FastifyInstance): void {
  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      const { store } = app.services;
      await store.ping();
      // The probe queue is reported, not judged: a full queue refuses lookups (503 BUSY), not health.
      return {
        status: 'ready',
        ...(store.dialect ? { database: store.dialect } : {}),
        probes: app.services.lookup.queue(),
      };
    } catch (error) {
      request.log.error({ err: error }, 'database does not answer');
      return reply
        .status(ERRORS.NOT_READY.status)
        .send(errorBody('NOT_READY', 'The database does not answer.'));
    }
  });
}
