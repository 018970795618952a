import { performance } from 'node:perf_hooks';
import { normalizeDomainInput } from '../core/domain';
import type { DaneInfo, DomainReport, Finding, MtaStsReport, MxReport, TlsRptReport } from '../core/report';
import type { DomainStatus } from '../core/status';
import { nonPublicReason } from './address-guard';
import { cacheTtlSeconds, classifyMx } from './classify';
import { isUsableOnSmtp, tlsaRecordFromAnswer, verifyDane } from './dane';
import {
  answersOfType,
  createDnsClient,
  DnsError,
  type DnsClient,
  type DnsResponse,
  type QueryType,
} from './dns';
import { mapLimited } from './limit';
import { fetchMtaStsPolicy } from './mta-sts-fetch';
import { mxMatchesPolicy, parseMtaStsPolicy, selectMtaStsRecord } from './mta-sts-parse';
import { probeSmtp, type SmtpProbeResult } from './smtp';

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

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_MX_HOSTS = 10;
/** Addresses of one MX host tried before it counts as unreachable. */
const MAX_ADDRESSES_PER_HOST = 2;

type QueryOutcome = { ok: true; response: DnsResponse } | { ok: false; message: string };

interface Context {
  domain: string;
  dns: DnsClient;
  signal: AbortSignal;
  options: CheckOptions;
  timeoutMs: number;
  findings: Finding[];
}

async function ask(ctx: Context, name: string, type: QueryType): Promise<QueryOutcome> {
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
function usable(outcome: QueryOutcome): outcome is { ok: true; response: DnsResponse } {
  return outcome.ok && (outcome.response.rcode === 'NOERROR' || outcome.response.rcode === 'NXDOMAIN');
}

function dnsFailure(outcome: QueryOutcome, name: string, type: string): string {
  return outcome.ok
    ? `The ${type} lookup of ${name} failed with ${outcome.response.rcode}.`
    : outcome.message;
}

interface AddressLookup {
  addresses: string[];
  authenticated: boolean;
  failed: string | null;
  nxdomain: boolean;
}

async function lookupAddresses(ctx: Context, name: string): Promise<AddressLookup> {
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

interface MxHost {
  host: string;
  preference: number;
  implicit: boolean;
  addresses?: AddressLookup;
}

type MxDiscovery =
  | { kind: 'hosts'; hosts: MxHost[]; authenticated: boolean }
  | { kind: 'no-mail' | 'unknown'; finding: Finding };

async function discoverMx(ctx: Context): Promise<MxDiscovery> {
  const { domain } = ctx;
  const outcome = await ask(ctx, domain, 'MX');
  if (!usable(outcome))
    return {
      kind: 'unknown',
      finding: { code: 'DNS_FAILED', severity: 'error', message: dnsFailure(outcome, domain, 'MX') },
    };
  if (outcome.response.rcode === 'NXDOMAIN')
    return {
      kind: 'no-mail',
      finding: { code: 'DNS_NXDOMAIN', severity: 'error', message: `${domain} does not exist in DNS.` },
    };

  const records = answersOfType(outcome.response, 'MX').map((answer) => ({
    host: answer.data.exchange.toLowerCase().replace(/\.$/, ''),
    preference: answer.data.preference ?? 0,
  }));
  const nullMx = records.filter((record) => record.host === '');
  const real = records.filter((record) => record.host !== '');
  if (nullMx.length > 0 && real.length === 0)
    return {
      kind: 'no-mail',
      finding: {
        code: 'NULL_MX',
        severity: 'info',
        message: `${domain} publishes a null MX (RFC 7505): it accepts no mail.`,
      },
    };
  if (nullMx.length > 0)
    ctx.findings.push({
      code: 'NULL_MX_WITH_OTHER_MX',
      severity: 'warning',
      message:
        'A null MX stands beside other MX records, which RFC 7505 forbids; the other records are used.',
    });

  if (real.length === 0) {
    // RFC 5321 §5.1: no MX, so the domain's own address is the implicit MX.
    const own = await lookupAddresses(ctx, domain);
    if (own.failed !== null)
      return { kind: 'unknown', finding: { code: 'DNS_FAILED', severity: 'error', message: own.failed } };
    if (own.addresses.length === 0)
      return {
        kind: 'no-mail',
        finding: {
          code: 'NO_MAIL_HOST',
          severity: 'error',
          message: `${domain} has neither MX nor address records, so no mail can be delivered to it.`,
        },
      };
    ctx.findings.push({
      code: 'IMPLICIT_MX',
      severity: 'info',
      message: `${domain} has no MX records; its own address receives mail (RFC 5321 §5.1).`,
    });
    return {
      kind: 'hosts',
      hosts: [{ host: domain, preference: 0, implicit: true, addresses: own }],
      authenticated: own.authenticated,
    };
  }

  const unique = new Map<string, MxHost>();
  for (const record of real.sort((a, b) => a.preference - b.preference || a.host.localeCompare(b.host)))
    if (!unique.has(record.host)) unique.set(record.host, { ...record, implicit: false });
  const hosts = [...unique.values()];
  if (hosts.length > MAX_MX_HOSTS)
    ctx.findings.push({
      code: 'MX_TOO_MANY',
      severity: 'warning',
      message: `${domain} lists ${hosts.length} MX hosts; only the ${MAX_MX_HOSTS} most preferred were tested.`,
    });
  return {
    kind: 'hosts',
    hosts: hosts.slice(0, MAX_MX_HOSTS),
    authenticated: outcome.response.authenticated,
  };
}

interface TlsaLookup {
  state: 'none' | 'unauthenticated' | 'authenticated' | 'error';
  records: DaneInfo['records'];
}

async function lookupTlsa(ctx: Context, host: string): Promise<TlsaLookup> {
  const name = `_${ctx.options.smtpPort ?? 25}._tcp.${host}`;
  const outcome = await ask(ctx, name, 'TLSA');
  if (!usable(outcome)) return { state: 'error', records: [] };
  const records = answersOfType(outcome.response, 'TLSA').map((answer) => tlsaRecordFromAnswer(answer.data));
  if (records.length === 0) return { state: 'none', records };
  return { state: outcome.response.authenticated ? 'authenticated' : 'unauthenticated', records };
}

function daneInfo(tlsa: TlsaLookup, probe: SmtpProbeResult | null, host: string): DaneInfo {
  const base = { records: tlsa.records, matched: null };
  switch (tlsa.state) {
    case 'none':
      return { ...base, state: 'none' };
    case 'error':
      return { ...base, state: 'error' };
    case 'unauthenticated':
      return { ...base, state: 'unauthenticated' };
    case 'authenticated': {
      if (!tlsa.records.some(isUsableOnSmtp)) return { ...base, state: 'unusable' };
      if (!probe || probe.chainDer.length === 0) return { ...base, state: 'untested' };
      const verdict = verifyDane(tlsa.records, probe.chainDer, [host]);
      return { ...base, state: verdict.state, matched: verdict.matched };
    }
  }
}

async function probeHost(ctx: Context, mx: MxHost, mtaSts: Promise<MtaStsReport>): Promise<MxReport> {
  const { options, findings } = ctx;
  const tlsaPromise = lookupTlsa(ctx, mx.host);
  const lookup = mx.addresses ?? (await lookupAddresses(ctx, mx.host));
  const report: MxReport = {
    host: mx.host,
    preference: mx.preference,
    implicit: mx.implicit,
    addresses: lookup.addresses,
    probedAddress: null,
    reachable: false,
    starttls: false,
    requireTls: false,
    tls: null,
    dane: { state: 'none', records: [], matched: null },
    mtaStsMatch: null,
  };

  let probe: SmtpProbeResult | null = null;
  if (lookup.failed !== null) {
    findings.push({ code: 'MX_HOST_DNS_FAILED', severity: 'warning', host: mx.host, message: lookup.failed });
  } else if (lookup.addresses.length === 0) {
    findings.push({
      code: 'MX_HOST_NO_ADDRESS',
      severity: 'warning',
      host: mx.host,
      message: `MX ${mx.host} has no address records.`,
    });
  } else {
    const allowed = options.allowPrivateNetworks
      ? lookup.addresses
      : lookup.addresses.filter((address) => nonPublicReason(address) === null);
    if (allowed.length === 0) {
      const first = lookup.addresses[0] ?? '';
      findings.push({
        code: 'PRIVATE_ADDRESS_REFUSED',
        severity: 'warning',
        host: mx.host,
        message: `MX ${mx.host} resolves to ${first} (${nonPublicReason(first) ?? 'private'}); private addresses are not contacted.`,
      });
    }
    for (const address of allowed.slice(0, MAX_ADDRESSES_PER_HOST)) {
      probe = await probeSmtp(address, mx.host, {
        port: options.smtpPort ?? 25,
        heloName: options.heloName ?? 'tlsgate.invalid',
        stageTimeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        ...(options.extraCa ? { extraCa: options.extraCa } : {}),
      });
      report.probedAddress = address;
      if (probe.outcome !== 'unreachable') break;
    }
  }

  if (probe) {
    report.reachable = probe.answered;
    report.starttls = probe.outcome === 'tls';
    report.requireTls = probe.requireTls;
    report.tls = probe.tls;
    if (probe.failure) {
      const severity = probe.answered ? 'error' : 'warning';
      findings.push({ code: probe.failure.code, severity, host: mx.host, message: probe.failure.message });
    }
    if (probe.tls) findings.push(...tlsFindings(mx.host, probe.tls));
    if (probe.requireTls)
      findings.push({
        code: 'SMTP_REQUIRETLS',
        severity: 'info',
        host: mx.host,
        message: `${mx.host} supports REQUIRETLS (RFC 8689).`,
      });
  }

  report.dane = daneInfo(await tlsaPromise, probe?.tls ? probe : null, mx.host);
  findings.push(...daneFindings(mx.host, report.dane));
  const policy = await mtaSts;
  if (policy.error === null && (policy.mode === 'enforce' || policy.mode === 'testing'))
    report.mtaStsMatch = mxMatchesPolicy(mx.host, policy.mx);
  return report;
}

function tlsFindings(host: string, tls: NonNullable<MxReport['tls']>): Finding[] {
  const findings: Finding[] = [];
  if (tls.legacy)
    findings.push({
      code: 'TLS_LEGACY_VERSION',
      severity: 'warning',
      host,
      message: `${host} negotiated ${tls.version}, a legacy TLS version.`,
    });
  if (tls.trustError === 'CERT_HAS_EXPIRED')
    findings.push({
      code: 'TLS_CERT_EXPIRED',
      severity: 'warning',
      host,
      message: `The certificate of ${host} expired on ${tls.notAfter}.`,
    });
  else if (!tls.trusted)
    findings.push({
      code: 'TLS_CERT_UNTRUSTED',
      severity: 'warning',
      host,
      message: `The certificate of ${host} is not trusted (${tls.trustError ?? 'unknown reason'}).`,
    });
  if (!tls.nameMatches)
    findings.push({
      code: 'TLS_CERT_NAME_MISMATCH',
      severity: 'warning',
      host,
      message: `The certificate of ${host} does not name it (it names ${tls.sans.join(', ') || tls.subject || 'nothing'}).`,
    });
  return findings;
}

function daneFindings(host: string, dane: DaneInfo): Finding[] {
  switch (dane.state) {
    case 'valid':
      return [
        {
          code: 'DANE_VALID',
          severity: 'info',
          host,
          message: `${host} matches its DNSSEC-signed TLSA record (${dane.matched ?? ''}).`,
        },
      ];
    case 'mismatch':
      return [
        {
          code: 'DANE_MISMATCH',
          severity: 'warning',
          host,
          message: `The certificate of ${host} matches none of its TLSA records.`,
        },
      ];
    case 'unauthenticated':
      return [
        {
          code: 'DANE_UNAUTHENTICATED',
          severity: 'warning',
          host,
          message: `${host} has TLSA records, but the answer was not DNSSEC-authenticated, so they do not count.`,
        },
      ];
    case 'unusable':
      return [
        {
          code: 'DANE_UNUSABLE',
          severity: 'warning',
          host,
          message: `The TLSA records of ${host} are all unusable for SMTP (only usages 2 and 3 count on port 25).`,
        },
      ];
    case 'none':
    case 'untested':
    case 'error':
      return [];
  }
}

const EMPTY_MTA_STS: MtaStsReport = {
  record: null,
  id: null,
  mode: null,
  mx: [],
  max_age: null,
  error: null,
};

async function checkMtaSts(ctx: Context): Promise<MtaStsReport> {
  const { domain, options } = ctx;
  const txt = await ask(ctx, `_mta-sts.${domain}`, 'TXT');
  if (!usable(txt))
    return {
      ...EMPTY_MTA_STS,
      error: { code: 'DNS_FAILED', message: dnsFailure(txt, `_mta-sts.${domain}`, 'TXT') },
    };
  const selected = selectMtaStsRecord(
    answersOfType(txt.response, 'TXT').map((answer) => toStrings(answer.data)),
  );
  if (!selected.ok) return { ...EMPTY_MTA_STS, error: { code: selected.code, message: selected.message } };
  const report: MtaStsReport = { ...EMPTY_MTA_STS, record: selected.record, id: selected.id };

  const policyHost = `mta-sts.${domain}`;
  const lookup = await lookupAddresses(ctx, policyHost);
  const fetchFailed = (message: string): MtaStsReport => ({
    ...report,
    error: { code: 'MTA_STS_FETCH_FAILED', message },
  });
  if (lookup.failed !== null) return fetchFailed(lookup.failed);
  if (lookup.addresses.length === 0) return fetchFailed(`${policyHost} has no address records.`);
  const address = options.allowPrivateNetworks
    ? lookup.addresses[0]
    : lookup.addresses.find((candidate) => nonPublicReason(candidate) === null);
  if (address === undefined) {
    ctx.findings.push({
      code: 'PRIVATE_ADDRESS_REFUSED',
      severity: 'warning',
      message: `${policyHost} resolves to a private address; it was not contacted.`,
    });
    return fetchFailed(`${policyHost} resolves only to private addresses, which are not contacted.`);
  }
  const fetched = await fetchMtaStsPolicy(domain, {
    address,
    port: options.httpsPort ?? 443,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    ...(options.extraCa ? { extraCa: options.extraCa } : {}),
  });
  if (!fetched.ok) return { ...report, error: { code: fetched.code, message: fetched.message } };
  const parsed = parseMtaStsPolicy(fetched.text);
  if (!parsed.ok) return { ...report, error: { code: 'MTA_STS_POLICY_INVALID', message: parsed.message } };
  return { ...report, mode: parsed.policy.mode, mx: parsed.policy.mx, max_age: parsed.policy.max_age };
}

function toStrings(data: string | Buffer | Array<string | Buffer>): Array<string | Buffer> {
  return Array.isArray(data) ? data : [data];
}

function mtaStsFindings(report: MtaStsReport): Finding[] {
  if (report.error) {
    if (report.error.code === 'MTA_STS_NO_RECORD')
      return [{ code: 'MTA_STS_NO_RECORD', severity: 'info', message: 'No MTA-STS policy is published.' }];
    return [{ code: report.error.code, severity: 'warning', message: report.error.message }];
  }
  switch (report.mode) {
    case 'enforce':
      return [
        {
          code: 'MTA_STS_ENFORCE',
          severity: 'info',
          message: `MTA-STS policy in enforce mode for ${report.mx.join(', ')}.`,
        },
      ];
    case 'testing':
      return [
        {
          code: 'MTA_STS_TESTING',
          severity: 'info',
          message:
            'MTA-STS is in testing mode: failures are reported but mail still falls back to clear text.',
        },
      ];
    case 'none':
      return [
        { code: 'MTA_STS_MODE_NONE', severity: 'info', message: 'The MTA-STS policy is in mode none.' },
      ];
    case null:
      return [];
  }
}

async function checkTlsRpt(ctx: Context): Promise<TlsRptReport> {
  const outcome = await ask(ctx, `_smtp._tls.${ctx.domain}`, 'TXT');
  if (!usable(outcome)) return { present: false, record: null };
  const records = answersOfType(outcome.response, 'TXT')
    .map((answer) =>
      toStrings(answer.data)
        .map((part) => (typeof part === 'string' ? part : part.toString('latin1')))
        .join(''),
    )
    .filter((record) => record.startsWith('v=TLSRPTv1'));
  const record = records.length === 1 ? (records[0] ?? null) : null;
  return { present: record !== null, record };
}

function baseReport(input: string, domain: string, checkedAt: Date): DomainReport {
  return {
    input,
    domain,
    status: 'unknown',
    enforcement: [],
    mx: [],
    mtaSts: EMPTY_MTA_STS,
    tlsRpt: { present: false, record: null },
    findings: [],
    checkedAt: checkedAt.toISOString(),
    durationMs: 0,
    cacheTtlSeconds: 0,
  };
}

function finish(report: DomainReport, status: DomainStatus, started: number): DomainReport {
  report.status = status;
  report.durationMs = Math.round(performance.now() - started);
  report.cacheTtlSeconds = cacheTtlSeconds(status, report.mtaSts.max_age);
  return report;
}

/** Checks one recipient domain (or address) and never throws for anything a domain or its servers do. */
export async function checkDomain(input: string, options: CheckOptions = {}): Promise<DomainReport> {
  const started = performance.now();
  const checkedAt = new Date();
  const parsed = normalizeDomainInput(input);
  if (!parsed.ok) {
    const report = baseReport(input, input.trim().toLowerCase().slice(0, 253), checkedAt);
    report.findings.push({ code: parsed.code, severity: 'error', message: parsed.message });
    return finish(report, 'invalid', started);
  }

  const { domain } = parsed;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const dns = options.dns ?? dnsClientFor(options);
  const ctx: Context = { domain, dns, signal, options, timeoutMs, findings: [] };
  const report = baseReport(input, domain, checkedAt);

  const mtaStsPromise = checkMtaSts(ctx);
  const tlsRptPromise = checkTlsRpt(ctx);
  const discovery = await discoverMx(ctx);
  let status: DomainStatus;
  let classificationFindings: Finding[] = [];
  if (discovery.kind === 'hosts') {
    const limit = options.mxConcurrency ?? 5;
    report.mx = await mapLimited(discovery.hosts, limit, (host) => probeHost(ctx, host, mtaStsPromise));
    const classification = classifyMx(report.mx, await mtaStsPromise, discovery.authenticated);
    status = classification.status;
    report.enforcement = classification.enforcement;
    classificationFindings = classification.findings;
  } else {
    status = discovery.kind;
    ctx.findings.unshift(discovery.finding);
  }
  report.mtaSts = await mtaStsPromise;
  report.tlsRpt = await tlsRptPromise;
  if (report.tlsRpt.present)
    ctx.findings.push({
      code: 'TLSRPT_PRESENT',
      severity: 'info',
      message: 'The domain asks for TLS failure reports (TLS-RPT).',
    });
  report.findings = [...classificationFindings, ...ctx.findings, ...mtaStsFindings(report.mtaSts)];
  return finish(report, status, started);
}

/** Checks many domains concurrently; the result is in input order. */
export function checkDomains(
  inputs: readonly string[],
  options: CheckOptions = {},
  concurrency = 64,
): Promise<DomainReport[]> {
  const shared = { ...options, dns: options.dns ?? dnsClientFor(options) };
  return mapLimited(inputs, concurrency, (input) => checkDomain(input, shared));
}

export function dnsClientFor(options: CheckOptions): DnsClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return createDnsClient({
    ...(options.dnsServers ? { servers: options.dnsServers } : {}),
    // Two rounds over the servers must fit in the check's budget.
    attemptTimeoutMs: Math.min(2000, Math.max(200, Math.floor(timeoutMs / 3))),
  });
}
