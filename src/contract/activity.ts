import { z } from 'zod';
import { ACTIVITY_ADDRESS, DETECTOR_TYPES } from '../core/policy';

/** The on-send decisions the add-in reports (POST /events), and the admin's summary of them. */

export const ACTIVITY_DECISIONS = ['allowed', 'warned', 'blocked', 'sent-anyway', 'sent-via-portal'] as const;
export type ActivityDecision = (typeof ACTIVITY_DECISIONS)[number];

/**
 * The decisions the add-in reports. The server works out the other two itself: `sent-anyway` from warnings
 * nobody followed up (see the activity route), `sent-via-portal` when a portal message is created.
 */
export const REPORTED_DECISIONS = ['allowed', 'warned', 'blocked'] as const;

const attemptId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an attempt id: 8-64 letters, digits, - or _');

const decisionEventSchema = z
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
export const activityEventSchema = z
  .union([decisionEventSchema, z.object({ supersedes: attemptId }).strict()])
  .meta({ id: 'ActivityEvent' });

/** What the add-in sends; the server works out `sent-anyway` and `sent-via-portal` itself. */
export type DecisionEvent = z.input<typeof decisionEventSchema>;
/** An event, or only the warning a portal send supersedes (the portal counts the send itself). */
export type ActivityReport = z.input<typeof activityEventSchema>;

export const eventAccepted = z.object({ accepted: z.literal(true) });

export const activitySummarySchema = z
  .object({
    days: z.array(z.object({ day: z.string(), counts: z.record(z.enum(ACTIVITY_DECISIONS), z.number()) })),
    topDomains: z.array(z.object({ domain: z.string(), count: z.number() })),
    detectionTypes: z.array(z.object({ type: z.string(), count: z.number() })),
    // Empty unless the policy keeps addresses (and some were reported).
    topAddresses: z.array(z.object({ address: z.string(), count: z.number() })),
  })
  .meta({ id: 'ActivitySummary' });
export type ActivitySummary = z.infer<typeof activitySummarySchema>;

export const daysQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

export const activityQuery = daysQuery.extend({ top: z.coerce.number().int().min(1).max(100).default(10) });
