import { z } from 'zod';
import type { DeliveryVerdict } from '../core/delivery';
import { FORCED_TLS_LEVELS } from '../core/policy';

/**
 * Forced-TLS health and connector proposals (admin): GET /admin/forced-tls/health, POST
 * /admin/forced-tls/health/check, GET /admin/forced-tls/proposals. The delivery verdict's own type is in
 * src/core/delivery.ts; the schema below must stay in step with it (checked with `satisfies`).
 */

export const deliveryStateSchema = z.enum(['ok', 'at-risk', 'failing']);
export const forcedTlsLevelSchema = z.enum(FORCED_TLS_LEVELS);

const problemCode = z.enum([
  'NO_MAIL_HOST',
  'MX_LOOKUP_FAILED',
  'MX_UNREACHABLE',
  'NO_STARTTLS',
  'TLS_FAILED',
  'CERT_UNTRUSTED',
  'CERT_EXPIRED',
  'NAME_MISMATCH',
  'CERT_EXPIRES_SOON',
  'LEGACY_TLS_ONLY',
]);

const reasonSchema = z.object({ code: problemCode, host: z.string().optional() });

export const deliveryVerdictSchema = z
  .object({
    level: forcedTlsLevelSchema,
    tlsDomain: z.string().nullable(),
    state: deliveryStateSchema,
    mx: z.array(
      z.object({
        host: z.string(),
        preference: z.number(),
        accepted: z.boolean(),
        problems: z.array(problemCode),
        certNames: z.array(z.string()),
        notAfter: z.string().nullable(),
      }),
    ),
    soonestExpiry: z.string().nullable(),
    reasons: z.array(reasonSchema),
  })
  .meta({ id: 'DeliveryVerdict' }) satisfies z.ZodType<DeliveryVerdict>;

/** One check in a domain's history (kept 90 days). */
export const healthSampleSchema = z.object({
  at: z.string().describe('ISO 8601'),
  state: deliveryStateSchema,
  reasons: z.array(reasonSchema),
});
export type HealthSample = z.infer<typeof healthSampleSchema>;

export const domainHealthSchema = z
  .object({
    domain: z.string(),
    level: forcedTlsLevelSchema,
    tlsDomain: z.string().nullable(),
    /** False for `*.` entries: there is no one domain to probe. */
    checkable: z.boolean(),
    state: deliveryStateSchema.nullable().describe('null until the first check (or for a wildcard entry).'),
    since: z.string().nullable().describe('When the current state began.'),
    checkedAt: z.string().nullable(),
    verdict: deliveryVerdictSchema.nullable().describe('The latest check: hosts, certificate names, expiry.'),
    history: z.array(healthSampleSchema).describe('Oldest first, the last 90 days.'),
  })
  .meta({ id: 'ForcedTlsDomainHealth' });
export type DomainHealth = z.infer<typeof domainHealthSchema>;

export const healthResponseSchema = z
  .object({
    /** Problems first: failing, at-risk, not yet checked, ok, then `*.` entries; by domain within each. */
    domains: z.array(domainHealthSchema),
    intervalSeconds: z.number().describe('TLSGATE_HEALTH_INTERVAL'),
    alerts: z.object({ email: z.boolean(), webhook: z.boolean() }).describe('Which alert channels are set.'),
  })
  .meta({ id: 'ForcedTlsHealth' });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const healthCheckBody = z
  .object({ domain: z.string().max(260).describe('A listed forced-TLS domain (not a *. entry).') })
  .strict();

/** A domain users were warned or blocked about, and what a TLS-required connector to it could be. */
export const proposalSchema = z
  .object({
    domain: z.string(),
    warned: z.number().int(),
    blocked: z.number().int(),
    status: z.enum(['enforced', 'opportunistic', 'none', 'no-mail', 'unknown', 'invalid']),
    mx: z.array(
      z.object({ host: z.string(), certNames: z.array(z.string()), notAfter: z.string().nullable() }),
    ),
    qualifiesFor: forcedTlsLevelSchema
      .nullable()
      .describe('The strictest level whose delivery verdict is ok today (at-risk does not count).'),
    tlsDomain: z
      .string()
      .nullable()
      .describe(
        'The TlsDomain every MX certificate satisfies; set exactly when qualifiesFor is domain-validation.',
      ),
    why: z.array(reasonSchema).describe('For a domain no level would deliver to: why.'),
    powershell: z.string().nullable().describe('New-OutboundConnector for qualifiesFor; null when none.'),
  })
  .meta({ id: 'ConnectorProposal' });
export type Proposal = z.infer<typeof proposalSchema>;

export const proposalsQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(30) });

export const proposalsResponseSchema = z
  .object({
    /** Would pass domain-validation (or a lower level) today: most warned/blocked first. */
    candidates: z.array(proposalSchema),
    /** Qualify for no level (failing, or at risk, at every one): listed apart, with why. */
    unsuitable: z.array(proposalSchema),
    days: z.number(),
  })
  .meta({ id: 'ConnectorProposals' });
export type ProposalsResponse = z.infer<typeof proposalsResponseSchema>;
