import { MAX_CONNECTOR_JSON } from '../../contract/limits';
import { normalizeDomainInput } from '../../core/domain';

/**
 * Reads `Get-OutboundConnector | ConvertTo-Json` from Exchange Online and finds the domains the org already
 * forces TLS to: the RecipientDomains of enabled connectors whose TlsSettings is set. PowerShell renders
 * the same data in several shapes (one object or an array; enums as names or numbers; domains as strings
 * or objects), and all of them are accepted.
 */

const TLS_LEVELS = new Set(['EncryptionOnly', 'CertificateValidation', 'DomainValidation']);

export interface ConnectorImport {
  /** Canonical forced-TLS entries (`contoso.com`, `*.contoso.com`), sorted, deduplicated. */
  domains: string[];
  connectors: Array<{ name: string; tls: string; domains: string[] }>;
  /** Connectors or entries left out, and why. */
  skipped: string[];
}

export type ConnectorImportResult = { ok: true; value: ConnectorImport } | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tlsLevel(value: unknown): string | null {
  if (value === null || value === undefined || value === '' || value === 0) return null;
  if (typeof value === 'string') return TLS_LEVELS.has(value) ? value : null;
  // ConvertTo-Json without -EnumsAsStrings writes the enum's number; any non-zero level requires TLS.
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return `level ${value}`;
  if (isRecord(value) && typeof value.Value === 'string') return tlsLevel(value.Value);
  return null;
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

  const domains = new Set<string>();
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
      domains.add(value);
    }
    if (found.length === 0 && connector.IsTransportRuleScoped === true)
      skipped.push(`${name}: scoped by transport rules, so its domains are not listed`);
    connectors.push({ name, tls, domains: found.sort() });
  }
  return { ok: true, value: { domains: [...domains].sort(), connectors, skipped } };
}

/** What applying an import would change in the forced-TLS list. */
export function connectorImportChanges(
  current: readonly string[],
  imported: readonly string[],
): { add: string[]; keep: string[] } {
  const existing = new Set(current);
  return {
    add: imported.filter((domain) => !existing.has(domain)),
    keep: imported.filter((domain) => existing.has(domain)),
  };
}
