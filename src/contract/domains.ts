import { z } from 'zod';
import { MAX_INPUT_LENGTH } from '../core/domain';
import type { DomainReport } from '../core/report';
import { deliveryVerdictSchema } from './forced-tls';
import { MAX_LOOKUP_BATCH } from './limits';

/** GET /domains/{domain} and POST /domains/lookup. */

export const freshQuery = z.object({
  fresh: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .describe('1 forces a new probe (rate limited more strictly).'),
});

const finding = z.object({
  code: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  host: z.string().optional(),
});

/** Documentation of the report; responses are sent pre-serialised, so this is not used to serialise. */
export const lookupResultSchema = z
  .object({
    cached: z.boolean(),
    stale: z.boolean().describe('Served from an expired entry while a refresh runs.'),
    expiresAt: z.string().nullable(),
    input: z.string(),
    domain: z.string(),
    status: z.enum(['enforced', 'opportunistic', 'none', 'no-mail', 'unknown', 'invalid']),
    enforcement: z.array(z.enum(['mta-sts', 'dane', 'policy'])),
    mx: z.array(z.record(z.string(), z.unknown())),
    mtaSts: z.record(z.string(), z.unknown()),
    tlsRpt: z.object({ present: z.boolean(), record: z.string().nullable() }),
    findings: z.array(finding),
    checkedAt: z.string(),
    durationMs: z.number(),
    cacheTtlSeconds: z.number(),
    delivery: deliveryVerdictSchema
      .optional()
      .describe("Only for a domain the org's TLS-required connector covers: would that connector deliver?"),
  })
  .meta({ id: 'DomainLookup' });

export const domainParams = z.object({ domain: z.string().min(1).max(MAX_INPUT_LENGTH) });

export const lookupBody = z
  .object({ domains: z.array(z.string().max(MAX_INPUT_LENGTH)).min(1).max(MAX_LOOKUP_BATCH) })
  .strict();

export const lookupResponse = z.object({ reports: z.array(lookupResultSchema) });

/**
 * A report as the lookup API returns it: the cache metadata of the schema on core's DomainReport, which
 * types the parts (mx, mtaSts) the schema documents only loosely.
 */
export type LookupReport = DomainReport &
  Pick<z.infer<typeof lookupResultSchema>, 'cached' | 'stale' | 'expiresAt'>;
