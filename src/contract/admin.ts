import { z } from 'zod';
import { FORCED_TLS_LEVELS } from '../core/policy';
import { MAX_CONNECTOR_JSON } from './limits';
import { forcedTlsEntrySchema, policyChangesSchema, type WithChanges } from './policy';

/** The admin console's calls beyond the policy itself: who am I, history, validation, connector import. */

export const meSchema = z.object({ name: z.string(), via: z.enum(['open', 'entra', 'admin-token']) });
export type Me = z.infer<typeof meSchema>;

export const versionParams = z.object({ version: z.coerce.number().int().positive() });

export const rollbackBody = z.object({ version: z.number().int().positive() }).strict();

/** A validation answers at most this many problems. */
export const MAX_PROBLEMS = 20;

export const problemSchema = z.object({
  path: z.string().describe('Dotted path into the policy, e.g. "actions.high"; "" for the whole policy.'),
  message: z.string(),
  code: z.enum(['VALIDATION_FAILED', 'POLICY_LOCKOUT']),
});
export type PolicyProblem = z.infer<typeof problemSchema>;

export const validationSchema = z
  .discriminatedUnion('valid', [
    z.object({
      valid: z.literal(true),
      changes: policyChangesSchema.describe('What applying it would change in the current policy.'),
    }),
    z.object({ valid: z.literal(false), problems: z.array(problemSchema).max(MAX_PROBLEMS) }),
  ])
  .meta({ id: 'PolicyValidation' });
export type Validation = WithChanges<z.infer<typeof validationSchema>>;

export const connectorImportBody = z
  .object({
    connectorsJson: z.string().describe(`The pasted output, at most ${MAX_CONNECTOR_JSON} characters.`),
  })
  .strict();

export const connectorImportSchema = z
  .object({
    connectors: z.array(
      z.object({
        name: z.string(),
        tls: z.enum(FORCED_TLS_LEVELS),
        tlsDomain: z.string().nullable(),
        domains: z.array(z.string()),
      }),
    ),
    skipped: z.array(z.string()),
    add: z.array(forcedTlsEntrySchema).describe('Imported entries for domains not yet in forcedTlsDomains.'),
    update: z
      .array(forcedTlsEntrySchema)
      .describe('Listed domains whose connector now says another level or TlsDomain: the new entries.'),
    keep: z.array(z.string()).describe('Imported domains already listed exactly so.'),
    resultingForcedTlsDomains: z.array(forcedTlsEntrySchema),
    basedOnVersion: z.number().describe('Apply with PUT /admin/policy and If-Match "policy-v<this>".'),
  })
  .meta({ id: 'ConnectorImportPreview' });
export type ConnectorPreview = z.infer<typeof connectorImportSchema>;
