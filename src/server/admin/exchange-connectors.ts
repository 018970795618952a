import { MAX_CONNECTOR_JSON } from '../../contract/limits';
import { normalizeDomainInput } from '../../core/domain';
import type { ForcedTlsEntry, ForcedTlsLevel } from '../../core/policy';

/**
 * Reads `Get-OutboundConnector | ConvertTo-Json` from Exchange Online and finds the domains the org already
 * forces TLS to: the RecipientDomains of enabled connectors whose TlsSettings is set, each with that level
 * (and TlsDomain for DomainValidation). PowerShell renders
 * the same data in several shapes (one object or an array; enums as names or numbers; domains as strings
 * or objects), and all of them are accepted.
 */

// Exchange's TlsAuthLevel, by name and by number (ConvertTo-Json without -EnumsAsStrings writes numbers).
const TLS_LEVELS: Record<string, ForcedTlsLevel> = {
  EncryptionOnly: 'encryption-only',
  CertificateValidation: 'certificate-validation',
  DomainValidation: 'domain-validation',
  '1': 'encryption-only',
  '2': 'certificate-validation',
  '4': 'domain-validation',
};

export interface ConnectorImport {
  /** Canonical forced-TLS entries (`contoso.com`, `*.contoso.com`), sorted by domain, one per domain. */
  entries: ForcedTlsEntry[];
  connectors: Array<{ name: string; tls: ForcedTlsLevel; tlsDomain: string | null; domains: string[] }>;
  /** Connectors or entries left out, and why. */
  skipped: string[];
}

export type ConnectorImportResult = { ok: true; value: ConnectorImport } | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The connector's level; null when not set; 'unknown' for a value Exchange does not define. */
function tlsLevel(value: unknown): ForcedTlsLevel | 'unknown' | null {
  if (value === null || value === undefined || value === '' || value === 0) return null;
  if (typeof value === 'string' || typeof value === 'number')
    return Object.hasOwn(TLS_LEVELS, String(value)) ? (TLS_LEVELS[String(value)] ?? 'unknown') : 'unknown';
  if (isRecord(value) && (typeof value.Value === 'string' || typeof value.Value === 'number'))
    return tlsLevel(value.Value);
  return 'unknown';
}

/** A RecipientDomains entry as written by PowerShell: "contoso.com", "*.contoso.com", or an object. */
function domainEntry(entry: unknown): string | null {
  if (typeof entry === 'string') return entry.trim();
  if (!isRecord(entry)) return null;
  if (typeof entry.Address === 'string') return entry.Address.trim();
  if (typeof entry.Domain === 'string') {
    const domain = entry.Domain.trim();
    return entry.IncludeSubDomains === true ? `*.${domain}` : domain;
  }
  return null;
}

function domainList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Array.isArray(value.value)) return value.value;
  if (typeof value === 'string') return value.split(',');
  return [];
}

function canonical(entry: string): string | null {
  const wildcard = entry.startsWith('*.');
  const parsed = normalizeDomainInput(wildcard ? entry.slice(2) : entry);
  if (!parsed.ok || entry.includes('@')) return null;
  return wildcard ? `*.${parsed.domain}` : parsed.domain;
}

export function importOutboundConnectors(json: string): ConnectorImportResult {
  if (json.length > MAX_CONNECTOR_JSON)
    return { ok: false, message: `The pasted text is over ${MAX_CONNECTOR_JSON / 1024 / 1024} MB.` };
  let parsed: unknown;
  try {
    // PowerShell may prefix a byte-order mark.
    parsed = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch {
    return {
      ok: false,
      message: 'This is not JSON. Paste the output of: Get-OutboundConnector | ConvertTo-Json',
    };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || !list.every(isRecord))
    return {
      ok: false,
      message: 'Expected one connector object or a list of them, as ConvertTo-Json writes.',
    };
  if (!list.some((connector) => 'RecipientDomains' in connector || 'TlsSettings' in connector))
    return {
      ok: false,
      message: 'No connector has RecipientDomains or TlsSettings; is this Get-OutboundConnector output?',
    };

  const entries = new Map<string, ForcedTlsEntry>();
  const connectors: ConnectorImport['connectors'] = [];
  const skipped: string[] = [];
  for (const connector of list) {
    const name = typeof connector.Name === 'string' ? connector.Name.slice(0, 200) : '(unnamed connector)';
    if (connector.Enabled === false) {
      skipped.push(`${name}: disabled`);
      continue;
    }
    const tls = tlsLevel(connector.TlsSettings);
    if (!tls) {
      skipped.push(`${name}: TlsSettings is not set, so TLS is not required`);
      continue;
    }
    if (tls === 'unknown') {
      skipped.push(`${name}: TlsSettings has a value Exchange does not define`);
      continue;
    }
    let tlsDomain: string | null = null;
    if (tls === 'domain-validation') {
      const raw = domainEntry(connector.TlsDomain);
      tlsDomain = raw ? canonical(raw) : null;
      if (!tlsDomain) {
        skipped.push(`${name}: DomainValidation without a usable TlsDomain`);
        continue;
      }
    }
    const found: string[] = [];
    for (const raw of domainList(connector.RecipientDomains)) {
      const entry = domainEntry(raw);
      if (entry === null || entry === '') continue;
      if (entry === '*') {
        skipped.push(`${name}: applies to all domains (*), which cannot be listed per domain`);
        continue;
      }
      const value = canonical(entry);
      if (!value) {
        skipped.push(`${name}: "${entry.slice(0, 80)}" is not a domain`);
        continue;
      }
      found.push(value);
      // Two connectors for one domain: Exchange uses one; keep the stricter level, the safer reading.
      const known = entries.get(value);
      if (!known || LEVEL_RANK[tls] > LEVEL_RANK[known.level])
        entries.set(
          value,
          tlsDomain ? { domain: value, level: tls, tlsDomain } : { domain: value, level: tls },
        );
    }
    if (found.length === 0 && connector.IsTransportRuleScoped === true)
      skipped.push(`${name}: scoped by transport rules, so its domains are not listed`);
    connectors.push({ name, tls, tlsDomain, domains: found.sort() });
  }
  const sorted = [...entries.values()].sort((a, b) => (a.domain < b.domain ? -1 : 1));
  return { ok: true, value: { entries: sorted, connectors, skipped } };
}

const LEVEL_RANK: Record<ForcedTlsLevel, number> = {
  'encryption-only': 0,
  'certificate-validation': 1,
  'domain-validation': 2,
};

/**
 * What applying an import would change in the forced-TLS list: new domains, listed domains whose level or
 * name the connectors now say differently, and those already listed as they are.
 */
export function connectorImportChanges(
  current: readonly ForcedTlsEntry[],
  imported: readonly ForcedTlsEntry[],
): { add: ForcedTlsEntry[]; update: ForcedTlsEntry[]; keep: string[]; result: ForcedTlsEntry[] } {
  const existing = new Map(current.map((entry) => [entry.domain, entry]));
  const add: ForcedTlsEntry[] = [];
  const update: ForcedTlsEntry[] = [];
  const keep: string[] = [];
  for (const entry of imported) {
    const known = existing.get(entry.domain);
    if (!known) add.push(entry);
    else if (known.level !== entry.level || (known.tlsDomain ?? null) !== (entry.tlsDomain ?? null))
      update.push(entry);
    else keep.push(entry.domain);
  }
  const result = new Map(existing);
  for (const entry of [...add, ...update]) result.set(entry.domain, entry);
  return { add, update, keep, result: [...result.values()].sort((a, b) => (a.domain < b.domain ? -1 : 1)) };
}
