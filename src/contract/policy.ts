import { z } from 'zod';
import { regexRuleProblem } from '../core/classifier/linear-regex';
import { normalizeDomainInput } from '../core/domain';
import {
  DETECTOR_TYPES,
  FORCED_TLS_LEVELS,
  forcedTlsEntry,
  PORTAL_EXPIRY_BOUNDS,
  PORTAL_EXPIRY_DEFAULTS,
  type ForcedTlsEntry,
  type OrgPolicy,
} from '../core/policy';

/**
 * The org policy as the API accepts it (PUT /admin/policy) and answers it (GET /policy): it validates, and
 * canonicalPolicy() normalises (domains to lowercase A-labels, duplicates dropped). `satisfies` keeps it in
 * step with OrgPolicy in src/core/policy.ts. Also the policy's history and its If-Match header.
 */

const action = z.enum(['allow', 'warn', 'block']);
const sensitivity = z.enum(['high', 'medium', 'low']);

/** A domain list entry in canonical form (lowercase A-label, `*.` kept), or why it is not one. */
function canonicalEntry(
  raw: string,
  allowWildcard: boolean,
): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = raw.trim();
  const wildcard = allowWildcard && trimmed.startsWith('*.');
  const parsed = normalizeDomainInput(wildcard ? trimmed.slice(2) : trimmed);
  if (!parsed.ok || trimmed.includes('@'))
    return {
      ok: false,
      message: `"${raw.slice(0, 80)}" is not a domain${parsed.ok ? '' : `: ${parsed.message}`}`,
    };
  return { ok: true, value: wildcard ? `*.${parsed.domain}` : parsed.domain };
}

// Lists are validated here and put in canonical form by canonicalPolicy(): a schema transform would make
// the schema one-way, and the same schema describes responses.
function domainList(allowWildcard: boolean) {
  return z
    .array(z.string().max(260))
    .max(10_000)
    .superRefine((entries, ctx) => {
      entries.forEach((raw, index) => {
        const entry = canonicalEntry(raw, allowWildcard);
        if (!entry.ok) ctx.addIssue({ code: 'custom', path: [index], message: entry.message });
      });
    });
}

function canonicalList(entries: readonly string[], allowWildcard: boolean): string[] {
  const out = new Set<string>();
  for (const raw of entries) {
    const entry = canonicalEntry(raw, allowWildcard);
    if (entry.ok) out.add(entry.value);
  }
  return [...out].sort();
}

/**
 * Forced-TLS entries in canonical form, one per domain (the last given wins, as a later edit would), sorted
 * by domain; `tlsDomain` kept only where the level uses it.
 */
function canonicalForcedTls(entries: readonly (ForcedTlsEntry | string)[]): ForcedTlsEntry[] {
  const byDomain = new Map<string, ForcedTlsEntry>();
  for (const raw of entries) {
    const entry = forcedTlsEntry(raw);
    const domain = canonicalEntry(entry.domain, true);
    if (!domain.ok) continue;
    const tlsDomain = entry.tlsDomain === undefined ? undefined : canonicalEntry(entry.tlsDomain, true);
    byDomain.set(
      domain.value,
      entry.level === 'domain-validation' && tlsDomain?.ok
        ? { domain: domain.value, level: entry.level, tlsDomain: tlsDomain.value }
        : { domain: domain.value, level: entry.level },
    );
  }
  return [...byDomain.values()].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

/** Stored policies and older clients wrote plain domain strings: read them as entries (see forcedTlsEntry). */
export function upgradeForcedTls(value: unknown): unknown {
  return Array.isArray(value)
    ? value.map((item: unknown) => (typeof item === 'string' ? forcedTlsEntry(item) : item))
    : value;
}

export const forcedTlsEntrySchema = z
  .object({
    domain: z.string().max(260).describe('contoso.com, or *.contoso.com for its subdomains'),
    level: z.enum(FORCED_TLS_LEVELS).describe("The connector's TlsSettings."),
    tlsDomain: z
      .string()
      .max(260)
      .optional()
      .describe("The connector's TlsDomain: required with domain-validation, and only there."),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const domain = canonicalEntry(entry.domain, true);
    if (!domain.ok) ctx.addIssue({ code: 'custom', path: ['domain'], message: domain.message });
    if (entry.level === 'domain-validation') {
      const name = entry.tlsDomain === undefined ? null : canonicalEntry(entry.tlsDomain, true);
      if (!name)
        ctx.addIssue({
          code: 'custom',
          path: ['tlsDomain'],
          message: 'domain-validation needs the certificate name (TlsDomain)',
        });
      else if (!name.ok) ctx.addIssue({ code: 'custom', path: ['tlsDomain'], message: name.message });
    } else if (entry.tlsDomain !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['tlsDomain'],
        message: `TlsDomain is used only with domain-validation, not ${entry.level}`,
      });
  })
  .meta({ id: 'ForcedTlsEntry' });

/** The policy with its domain lists lowercased, converted to A-labels, deduplicated and sorted. */
export function canonicalPolicy(policy: OrgPolicy): OrgPolicy {
  return {
    ...policy,
    forcedTlsDomains: canonicalForcedTls(policy.forcedTlsDomains),
    internalDomains: canonicalList(policy.internalDomains, false),
    trustedDomains: canonicalList(policy.trustedDomains, false),
  };
}

const expiryDays = z.number().int().min(PORTAL_EXPIRY_BOUNDS.min).max(PORTAL_EXPIRY_BOUNDS.max);

const ruleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use 1-64 lowercase letters, digits, "-" or "_"');
const ruleName = z.string().trim().min(1).max(100);

export const MAX_REGEX_LENGTH = 256;

export const customRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    id: ruleId,
    name: ruleName,
    kind: z.literal('keywords'),
    keywords: z.array(z.string().trim().min(2).max(100)).min(1).max(1000),
    sensitivity,
  }),
  z
    .object({
      id: ruleId,
      name: ruleName,
      kind: z.literal('regex'),
      pattern: z.string().min(1).max(MAX_REGEX_LENGTH),
      caseInsensitive: z.boolean().default(false),
      sensitivity,
    })
    .superRefine((rule, ctx) => {
      const problem = regexRuleProblem(rule.pattern, rule.caseInsensitive);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
    }),
]);

export const policySchema = z
  .object({
    // A plain string is accepted as an entry at `encryption-only` (what it meant before levels existed).
    forcedTlsDomains: z
      // Strings become entries first, so every entry is then checked by one schema, with its own paths.
      .codec(z.array(z.unknown()).max(10_000), z.array(forcedTlsEntrySchema), {
        decode: (entries) => upgradeForcedTls(entries) as z.input<typeof forcedTlsEntrySchema>[],
        encode: (entries) => entries,
      })
      .default([])
      .describe('TLS-required connectors: entries, or plain domain strings (read as encryption-only).'),
    internalDomains: domainList(false).default([]),
    trustedDomains: domainList(false).default([]),
    actions: z
      .object({ high: action.default('block'), medium: action.default('warn'), low: action.default('allow') })
      .strict()
      .default({ high: 'block', medium: 'warn', low: 'allow' }),
    unknownAs: action.default('warn'),
    onBackendError: action.default('warn'),
    portal: z.boolean().default(false),
    // Optional with a default, so policies stored before it existed, and older clients, still parse.
    activityAddresses: z.boolean().default(false),
    portalDefaultExpiryDays: expiryDays
      .default(PORTAL_EXPIRY_DEFAULTS.defaultDays)
      .describe('Days a portal message stays readable when the sender asks for no shorter time.'),
    portalMaxExpiryDays: expiryDays
      .default(PORTAL_EXPIRY_DEFAULTS.maxDays)
      .describe('The most days a portal message may stay readable, extensions included, from sending.'),
    detection: z
      .object({
        disabledDetectors: z.array(z.enum(DETECTOR_TYPES)).max(DETECTOR_TYPES.length).default([]),
        customRules: z
          .array(customRuleSchema)
          .max(200)
          .default([])
          .superRefine((rules, ctx) => {
            const seen = new Set<string>();
            rules.forEach((rule, index) => {
              if (seen.has(rule.id))
                ctx.addIssue({
                  code: 'custom',
                  path: [index, 'id'],
                  message: `rule id "${rule.id}" is used twice`,
                });
              seen.add(rule.id);
            });
          }),
        labels: z
          .array(
            z
              .object({
                labelId: z
                  .string()
                  .regex(/^[0-9a-f-]{36}$/i, 'must be a label GUID')
                  .toLowerCase(),
                name: z.string().trim().min(1).max(100),
                sensitivity,
              })
              .strict(),
          )
          .max(500)
          .default([]),
      })
      .strict()
      .default({ disabledDetectors: [], customRules: [], labels: [] }),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const { portalDefaultExpiryDays: days, portalMaxExpiryDays: max } = policy;
    // Out of bounds is reported on its own; the comparison only between valid values.
    if (days > max && days <= PORTAL_EXPIRY_BOUNDS.max && max >= PORTAL_EXPIRY_BOUNDS.min)
      ctx.addIssue({
        code: 'custom',
        path: ['portalDefaultExpiryDays'],
        message: `the default expiry (${days} days) cannot be longer than portalMaxExpiryDays (${max})`,
      });
  })
  .meta({ id: 'OrgPolicy' }) satisfies z.ZodType<OrgPolicy>;

export type PolicyInput = z.input<typeof policySchema>;

/** The policy as GET /policy and every policy write answer it; its version is also its ETag. */
export const policyDocumentSchema = z
  .object({
    policy: policySchema,
    version: z.number(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string(),
  })
  .meta({ id: 'PolicyDocument' });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

export const notModified = z.null().describe('Not modified');

/** The If-Match header of a policy write; required so two admins cannot overwrite each other. */
export const ifMatchHeaders = z.object({ 'if-match': z.string().max(100).optional() });

/** One change in the audit log, as src/server/policy-diff.ts finds it. Lists of plain values diff as sets. */
export type PolicyChange =
  { path: string; before: unknown; after: unknown } | { path: string; added: unknown[]; removed: unknown[] };

/** The changes as the OpenAPI document shows them: objects. Their precise type is PolicyChange. */
export const policyChangesSchema = z.array(z.record(z.string(), z.unknown()));

/** A response type whose `changes` are typed as PolicyChange rather than as the schema's loose objects. */
export type WithChanges<T> = T extends { changes: unknown }
  ? Omit<T, 'changes'> & { changes: PolicyChange[] }
  : T;

export const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export const auditResponse = z.object({
  entries: z.array(
    z.object({
      version: z.number(),
      at: z.string(),
      actor: z.string(),
      changes: policyChangesSchema,
      note: z.string().nullable().describe('Why, when not a plain edit: "Rolled back to version 3".'),
    }),
  ),
});

export type AuditEntry = WithChanges<z.infer<typeof auditResponse>['entries'][number]>;
