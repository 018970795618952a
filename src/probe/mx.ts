import type { DaneInfo, Finding, MtaStsReport, MxReport } from '../core/report';
import { nonPublicReason } from './address-guard';
import { ask, dnsFailure, lookupAddresses, usable, type AddressLookup, type Context } from './check-context';
import { isUsableOnSmtp, tlsaRecordFromAnswer, verifyDane } from './dane';
import { answersOfType } from './dns';
import {
  daneFindings,
  dnsFailedFinding,
  implicitMxFinding,
  mxHostDnsFailedFinding,
  mxHostNoAddressFinding,
  noMailHostFinding,
  nullMxFinding,
  nullMxWithOtherMxFinding,
  nxdomainFinding,
  privateMxAddressFinding,
  requireTlsFinding,
  smtpFailureFinding,
  tlsFindings,
  tooManyMxFinding,
} from './findings';
import { mxMatchesPolicy } from './mta-sts-parse';
import { probeSmtp, type SmtpProbeResult } from './smtp';

/** One domain's mail hosts: which they are (MX records), and what each offers (STARTTLS, TLS, DANE). */

export const MAX_MX_HOSTS = 10;
/** Addresses of one MX host tried before it counts as unreachable. */
const MAX_ADDRESSES_PER_HOST = 2;

export interface MxHost {
  host: string;
  preference: number;
  implicit: boolean;
  addresses?: AddressLookup;
}

export type MxDiscovery =
  | { kind: 'hosts'; hosts: MxHost[]; authenticated: boolean }
  | { kind: 'no-mail' | 'unknown'; finding: Finding };

export async function discoverMx(ctx: Context): Promise<MxDiscovery> {
  const { domain } = ctx;
  const outcome = await ask(ctx, domain, 'MX');
  if (!usable(outcome))
    return { kind: 'unknown', finding: dnsFailedFinding(dnsFailure(outcome, domain, 'MX')) };
  if (outcome.response.rcode === 'NXDOMAIN') return { kind: 'no-mail', finding: nxdomainFinding(domain) };

  const records = answersOfType(outcome.response, 'MX').map((answer) => ({
    host: answer.data.exchange.toLowerCase().replace(/\.$/, ''),
    preference: answer.data.preference ?? 0,
  }));
  const nullMx = records.filter((record) => record.host === '');
  const real = records.filter((record) => record.host !== '');
  if (nullMx.length > 0 && real.length === 0) return { kind: 'no-mail', finding: nullMxFinding(domain) };
  if (nullMx.length > 0) ctx.findings.push(nullMxWithOtherMxFinding());

  if (real.length === 0) {
    // RFC 5321 §5.1: no MX, so the domain's own address is the implicit MX.
    const own = await lookupAddresses(ctx, domain);
    if (own.failed !== null) return { kind: 'unknown', finding: dnsFailedFinding(own.failed) };
    if (own.addresses.length === 0) return { kind: 'no-mail', finding: noMailHostFinding(domain) };
    ctx.findings.push(implicitMxFinding(domain));
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
  if (hosts.length > MAX_MX_HOSTS) ctx.findings.push(tooManyMxFinding(domain, hosts.length, MAX_MX_HOSTS));
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

export async function probeHost(ctx: Context, mx: MxHost, mtaSts: Promise<MtaStsReport>): Promise<MxReport> {
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
    findings.push(mxHostDnsFailedFinding(mx.host, lookup.failed));
  } else if (lookup.addresses.length === 0) {
    findings.push(mxHostNoAddressFinding(mx.host));
  } else {
    const allowed = options.allowPrivateNetworks
      ? lookup.addresses
      : lookup.addresses.filter((address) => nonPublicReason(address) === null);
    if (allowed.length === 0) {
      const first = lookup.addresses[0] ?? '';
      findings.push(privateMxAddressFinding(mx.host, first, nonPublicReason(first) ?? 'private'));
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
    if (probe.failure) findings.push(smtpFailureFinding(mx.host, probe.failure, probe.answered));
    if (probe.tls) findings.push(...tlsFindings(mx.host, probe.tls));
    if (probe.requireTls) findings.push(requireTlsFinding(mx.host));
  }

  report.dane = daneInfo(await tlsaPromise, probe?.tls ? probe : null, mx.host);
  findings.push(...daneFindings(mx.host, report.dane));
  const policy = await mtaSts;
  if (policy.error === null && (policy.mode === 'enforce' || policy.mode === 'testing'))
    report.mtaStsMatch = mxMatchesPolicy(mx.host, policy.mx);
  return report;
}
