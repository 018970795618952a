import { z } from 'zod';

/** Shapes shared by the routes and the OpenAPI document. */

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error', description: 'Every error: a stable code and a message for people.' });

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
  })
  .meta({ id: 'DomainLookup' });
