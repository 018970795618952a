import { performance } from 'node:perf_hooks';
import { normalizeDomainInput } from '../core/domain';
import type { DomainReport, Finding, TlsRptReport } from '../core/report';
import type { DomainStatus } from '../core/status';
import { ask, toStrings, usable, type CheckOptions, type Context } from './check-context';
import { cacheTtlSeconds, classifyMx } from './classify';
import { answersOfType, createDnsClient, type DnsClient } from './dns';
import { mtaStsFindings, tlsRptFinding } from './findings';
import { mapLimited } from './limit';
import { checkMtaSts, EMPTY_MTA_STS } from './mta-sts';
import { discoverMx, probeHost } from './mx';

/**
 * One domain's check under one deadline: MX discovery and the per-host probes (mx.ts), MTA-STS (mta-sts.ts)
 * and TLS-RPT run at once, then classify.ts turns what they saw into the status.
 */

export type { CheckOptions } from './check-context';

export const DEFAULT_TIMEOUT_MS = 10_000;

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
  if (report.tlsRpt.present) ctx.findings.push(tlsRptFinding());
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
