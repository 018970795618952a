import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DETECTOR_TYPES } from '../../core/policy';
import { csv } from '../csv';
import { ApiError } from '../errors';
import { ACTIVITY_DECISIONS, type ActivityStore } from '../store/activity-store';
import { dayOf } from '../store/activity-sqlite';
import { requireAdmin } from './policy';
import { errorSchema } from './schemas';

/** How long activity counts are kept (README: 180 days by default). */
export const ACTIVITY_RETENTION_DAYS = 180;

const eventSchema = z
  .object({
    decision: z.enum(ACTIVITY_DECISIONS),
    // Domains only: an address would be personal data the activity view has no need for.
    riskyDomains: z
      .array(
        z
          .string()
          .min(1)
          .max(253)
          .regex(/^[a-z0-9.-]+$/i, 'a domain, not an address'),
      )
      .max(50)
      .default([]),
    detectionTypes: z
      .array(z.enum([...DETECTOR_TYPES, 'custom', 'label']))
      .max(10)
      .default([]),
  })
  .strict()
  .meta({ id: 'ActivityEvent' });

const summarySchema = z
  .object({
    days: z.array(z.object({ day: z.string(), counts: z.record(z.enum(ACTIVITY_DECISIONS), z.number()) })),
    topDomains: z.array(z.object({ domain: z.string(), count: z.number() })),
    detectionTypes: z.array(z.object({ type: z.string(), count: z.number() })),
  })
  .meta({ id: 'ActivitySummary' });

const daysQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

export function activityRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const activity = (): ActivityStore => {
    const store = app.services.store.activity;
    if (!store) throw new ApiError(503, 'NOT_READY', 'This store keeps no activity.');
    return store;
  };
  let prunedDay = '';
  const range = (days: number) => {
    const today = dayOf(Date.now());
    return { from: dayOf(Date.now() - (days - 1) * 86_400_000), to: today };
  };

  api.post(
    '/events',
    {
      schema: {
        summary: "Report an on-send decision (the add-in's fire-and-forget call)",
        body: eventSchema,
        response: { 202: z.object({ accepted: z.literal(true) }), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const store = activity();
      const now = Date.now();
      // The client's clock is not trusted; the day is the server's.
      await store.record({
        at: now,
        ...request.body,
        riskyDomains: request.body.riskyDomains.map((d) => d.toLowerCase()),
      });
      const today = dayOf(now);
      if (prunedDay !== today) {
        prunedDay = today;
        await store.prune(dayOf(now - ACTIVITY_RETENTION_DAYS * 86_400_000));
      }
      return reply.status(202).send({ accepted: true });
    },
  );

  api.get(
    '/admin/activity',
    {
      schema: {
        summary: 'On-send decisions per day, top risky domains and detection types (admin)',
        querystring: daysQuery.extend({ top: z.coerce.number().int().min(1).max(100).default(10) }),
        response: { 200: summarySchema, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      requireAdmin(request);
      const { from, to } = range(request.query.days);
      return activity().summary(from, to, request.query.top);
    },
  );

  api.get(
    '/admin/activity.csv',
    { schema: { summary: 'Activity per day as CSV (admin)', querystring: daysQuery } },
    async (request, reply) => {
      requireAdmin(request);
      const { from, to } = range(request.query.days);
      const summary = await activity().summary(from, to, 100);
      const body = csv(
        ['day', ...ACTIVITY_DECISIONS],
        summary.days.map((day) => [day.day, ...ACTIVITY_DECISIONS.map((decision) => day.counts[decision])]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tlsgate-activity-${from}-${to}.csv"`)
        .send(body);
    },
  );

  api.get(
    '/admin/policy/audit.csv',
    { schema: { summary: 'The policy change log as CSV (admin)' } },
    async (request, reply) => {
      requireAdmin(request);
      const entries = await app.services.policy.audit(10_000);
      const rows = entries.flatMap((entry) =>
        entry.changes.map((change) => [
          entry.version,
          new Date(entry.at).toISOString(),
          entry.actor,
          change.path,
          'added' in change
            ? JSON.stringify({ added: change.added, removed: change.removed })
            : JSON.stringify({ before: change.before, after: change.after }),
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="tlsgate-policy-audit.csv"')
        .send(csv(['version', 'at', 'actor', 'path', 'change'], rows));
    },
  );
}
