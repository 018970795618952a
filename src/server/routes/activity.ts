import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTIVITY_ADDRESS, DETECTOR_TYPES } from '../../core/policy';
import { csv } from '../csv';
import { ApiError } from '../errors';
import { requireAdmin } from '../http/require-admin';
import { ACTIVITY_DECISIONS, REPORTED_DECISIONS, type ActivityStore } from '../store/activity-store';
import { dayOf } from '../store/activity-sqlite';
import { errorSchema } from './schemas';

const DAY_MS = 86_400_000;

/**
 * Outlook tells no add-in when the user presses Send Anyway, so it is inferred. A warning that offered it
 * carries an attempt id, which the add-in keeps in the draft's session; the next check in that draft (the
 * user chose "Don't send" and tried again) names it in `supersedes`. A warning nobody superseded within
 * this long counts as sent anyway. A draft discarded after "Don't send", or retried later than this,
 * counts too: the figure is an upper bound.
 */
export const SEND_ANYWAY_AFTER_MS = 10 * 60_000;

const attemptId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an attempt id: 8-64 letters, digits, - or _');

const decisionEvent = z
  .object({
    decision: z.enum(REPORTED_DECISIONS),
    // Domains, not addresses: addresses are personal data, and come only in riskyAddresses.
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
    // Kept only when the policy has activityAddresses on; otherwise dropped unread.
    riskyAddresses: z
      .array(z.string().max(254).regex(ACTIVITY_ADDRESS, 'an email address'))
      .max(50)
      .default([]),
    attempt: attemptId.optional().describe('A warning that offered Send Anyway: its id, kept in the draft.'),
    supersedes: attemptId
      .optional()
      .describe('The previous warning in the same draft, which did not go out.'),
  })
  .strict()
  .refine((event) => event.attempt === undefined || event.decision === 'warned', {
    path: ['attempt'],
    error: 'only a warning has an attempt id',
  });

// A draft that goes out through the portal reports no decision (the portal counts it), only which warning
// it supersedes.
const eventSchema = z
  .union([decisionEvent, z.object({ supersedes: attemptId }).strict()])
  .meta({ id: 'ActivityEvent' });

const summarySchema = z
  .object({
    days: z.array(z.object({ day: z.string(), counts: z.record(z.enum(ACTIVITY_DECISIONS), z.number()) })),
    topDomains: z.array(z.object({ domain: z.string(), count: z.number() })),
    detectionTypes: z.array(z.object({ type: z.string(), count: z.number() })),
    topAddresses: z.array(z.object({ address: z.string(), count: z.number() })),
  })
  .meta({ id: 'ActivitySummary' });

const daysQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

export function activityRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const activity = (): ActivityStore => {
    const store = app.services.store.activity;
    if (!store) throw new ApiError('NOT_READY', 'This store keeps no activity.');
    return store;
  };
  const retentionDays = app.services.config.activityRetentionDays;
  let prunedDay = '';
  /** Lazy upkeep, on every report and read: due warnings become sent-anyway; old days go once a day. */
  const upkeep = async (store: ActivityStore, now: number): Promise<void> => {
    await store.promotePending(now - SEND_ANYWAY_AFTER_MS);
    const today = dayOf(now);
    if (prunedDay === today) return;
    prunedDay = today;
    await store.prune(dayOf(now - (retentionDays - 1) * DAY_MS));
  };
  const range = (days: number, now: number) => ({
    from: dayOf(now - (days - 1) * DAY_MS),
    to: dayOf(now),
  });

  api.post(
    '/events',
    {
      schema: {
        summary: "Report an on-send decision (the add-in's fire-and-forget call)",
        description:
          'Metadata only: risky domains, detection types, and (kept only when the policy has activityAddresses on) risky addresses. sent-anyway and sent-via-portal are worked out by the server.',
        body: eventSchema,
        response: { 202: z.object({ accepted: z.literal(true) }), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const store = activity();
      // The client's clock is not trusted; the day is the server's.
      const now = Date.now();
      const event = request.body;
      if ('decision' in event) {
        const keepAddresses =
          event.riskyAddresses.length > 0 && (await app.services.policy.current()).policy.activityAddresses;
        await store.record({
          at: now,
          decision: event.decision,
          riskyDomains: event.riskyDomains.map((d) => d.toLowerCase()),
          detectionTypes: event.detectionTypes,
          riskyAddresses: keepAddresses ? event.riskyAddresses.map((a) => a.toLowerCase()) : [],
        });
        if (event.attempt !== undefined) await store.recordPending(event.attempt, now);
      }
      if (event.supersedes !== undefined) await store.supersede(event.supersedes);
      await upkeep(store, now);
      return reply.status(202).send({ accepted: true });
    },
  );

  api.get(
    '/admin/activity',
    {
      schema: {
        summary: 'On-send decisions per day, top risky domains, detection types and addresses (admin)',
        querystring: daysQuery.extend({ top: z.coerce.number().int().min(1).max(100).default(10) }),
        response: { 200: summarySchema, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      requireAdmin(request);
      const store = activity();
      const now = Date.now();
      await upkeep(store, now);
      const { from, to } = range(request.query.days, now);
      return store.summary(from, to, request.query.top);
    },
  );

  api.get(
    '/admin/activity.csv',
    { schema: { summary: 'Activity per day as CSV (admin)', querystring: daysQuery } },
    async (request, reply) => {
      requireAdmin(request);
      const store = activity();
      const now = Date.now();
      await upkeep(store, now);
      const { from, to } = range(request.query.days, now);
      const summary = await store.summary(from, to, 100);
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
          entry.note ?? '',
          change.path,
          'added' in change
            ? JSON.stringify({ added: change.added, removed: change.removed })
            : JSON.stringify({ before: change.before, after: change.after }),
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="tlsgate-policy-audit.csv"')
        .send(csv(['version', 'at', 'actor', 'note', 'path', 'change'], rows));
    },
  );
}
