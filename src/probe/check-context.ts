import type { Finding } from '../core/report';
import { answersOfType, DnsError, type DnsClient, type DnsResponse, type QueryType } from './dns';

/**
 * What the parts of one domain's check share (check.ts runs them; mx.ts and mta-sts.ts are two of them):
 * the options, the resolver, the deadline, the findings so far, and the DNS lookups they all make.
 */

export interface CheckOptions {
  /** `host[:port]` resolvers; default the system's. */
  dnsServers?: readonly string[];
  /** The whole check of one domain ends by then, whatever its servers do. */
  timeoutMs?: number;
  /** Contact loopback, private, link-local, CGNAT… addresses. Off by default (SSRF guard). */
  allowPrivateNetworks?: boolean;
  /** Extra trust anchors (PEM) beside Node's store and NODE_EXTRA_CA_CERTS. */
  extraCa?: readonly string[];
  smtpPort?: number;
  httpsPort?: number;
  heloName?: string;
  /** MX hosts of one domain probed at once. */
  mxConcurrency?: number;
  /** A resolver to use instead of building one from dnsServers. */
  dns?: DnsClient;
  signal?: AbortSignal;
}

export interface Context {
  domain: string;
  dns: DnsClient;
  signal: AbortSignal;
  options: CheckOptions;
  timeoutMs: number;
  findings: Finding[];
}

export type QueryOutcome = { ok: true; response: DnsResponse } | { ok: false; message: string };

export async function ask(ctx: Context, name: string, type: QueryType): Promise<QueryOutcome> {
  try {
    return { ok: true, response: await ctx.dns.query(name, type, ctx.signal) };
  } catch (error) {
    return {
      ok: false,
      message: error instanceof DnsError ? error.message : `DNS lookup of ${name} failed.`,
    };
  }
}

/** NOERROR with answers or NODATA; anything else is a failure, except NXDOMAIN, which callers judge. */
export function usable(outcome: QueryOutcome): outcome is { ok: true; response: DnsResponse } {
  return outcome.ok && (outcome.response.rcode === 'NOERROR' || outcome.response.rcode === 'NXDOMAIN');
}

export function dnsFailure(outcome: QueryOutcome, name: string, type: string): string {
  return outcome.ok
    ? `The ${type} lookup of ${name} failed with ${outcome.response.rcode}.`
    : outcome.message;
}

export interface AddressLookup {
  addresses: string[];
  authenticated: boolean;
  failed: string | null;
  nxdomain: boolean;
}

export async function lookupAddresses(ctx: Context, name: string): Promise<AddressLookup> {
  const [a, aaaa] = await Promise.all([ask(ctx, name, 'A'), ask(ctx, name, 'AAAA')]);
  const addresses: string[] = [];
  let authenticated = true;
  const failures: string[] = [];
  for (const [outcome, type] of [
    [a, 'A'],
    [aaaa, 'AAAA'],
  ] as const) {
    if (!usable(outcome)) {
      failures.push(dnsFailure(outcome, name, type));
      authenticated = false;
      continue;
    }
    authenticated &&= outcome.response.authenticated;
    for (const answer of answersOfType(outcome.response, type)) addresses.push(answer.data);
  }
  return {
    addresses: [...new Set(addresses)],
    authenticated: authenticated && addresses.length > 0,
    // One family failing is fine as long as the other gave addresses.
    failed: addresses.length === 0 && failures.length > 0 ? failures.join(' ') : null,
    nxdomain: usable(a) && a.response.rcode === 'NXDOMAIN',
  };
}

/** A TXT answer's character-strings, whether the decoder gave one or several. */
export function toStrings(data: string | Buffer | Array<string | Buffer>): Array<string | Buffer> {
  return Array.isArray(data) ? data : [data];
}
