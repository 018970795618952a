import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ACTIVITY_DECISIONS,
  activityEventSchema,
  activityQuery,
  activitySummarySchema,
  daysQuery,
  eventAccepted,
} from '../../contract/activity';
import { errorResponses } from '../../contract/error-schema';
import { csv } from '../csv';
import { ApiError } from '../errors';
import { requireAdmin } from '../http/require-admin';
import { dayOf, type ActivityStore } from '../store/activity-store';

const DAY_MS = 86_400_000;

/**
 * Outlook tells no add-in when the user presses Send Anyway, so it is inferred. A warning that offered it
 * carries an attempt id, which the add-in keeps in the draft's session; the next check in that draft (the
 * user chose "Don't send" and tried again) names it in `supersedes`. A warning nobody superseded within
 * this long counts as sent anyway. A draft discarded after "Don't send", or retried later than this,
 * counts too: the figure is an upper bound.
 */
export const SEND_ANYWAY_AFTER_MS = 10 * 60_000;

export function activityRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const activity = (): ActivityStore => {
    const store = app.services.store.activity;
    if (!store) throw new ApiError('NOT_READY', 'This store keeps no activity.');
    return store;
  };
  const retentionDays = app.services.config.activityRetentionDays;
  let prunedDay = '';
  /**
   * Lazy upkeep, on every report and read: due warnings become sent-anyway; old days go once a day. One
   * instance at a time across the fleet: while another runs it, this one skips (it has just been done).
   */
  const upkeep = async (store: ActivityStore, now: number): Promise<void> => {
    await app.services.fleet.exclusive('activity-upkeep', async () => {
      await store.promotePending(now - SEND_ANYWAY_AFTER_MS);
      const today = dayOf(now);
      if (prunedDay === today) return;
      prunedDay = today;
      await store.prune(dayOf(now - (retentionDays - 1) * DAY_MS));
    });
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
        body: activityEventSchema,
        response: { 202: eventAccepted, ...errorResponses(400, 401) },
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
        querystring: activityQuery,
        response: { 200: activitySummarySchema, ...errorResponses(401, 403) },
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
