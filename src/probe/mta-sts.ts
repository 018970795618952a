import type { MtaStsReport } from '../core/report';
import { nonPublicReason } from './address-guard';
import { ask, dnsFailure, lookupAddresses, toStrings, usable, type Context } from './check-context';
import { answersOfType } from './dns';
import { mtaStsDuplicateFieldFinding, privateMtaStsHostFinding } from './findings';
import { fetchMtaStsPolicy } from './mta-sts-fetch';
import { parseMtaStsPolicy, selectMtaStsRecord } from './mta-sts-parse';

/** One domain's MTA-STS: the `_mta-sts` record, then the policy it announces (RFC 8461). */

export const EMPTY_MTA_STS: MtaStsReport = {
  record: null,
  id: null,
  mode: null,
  mx: [],
  max_age: null,
  error: null,
};

export async function checkMtaSts(ctx: Context): Promise<MtaStsReport> {
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
  for (const duplicate of selected.duplicates)
    ctx.findings.push(mtaStsDuplicateFieldFinding('record', duplicate));
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
    ctx.findings.push(privateMtaStsHostFinding(policyHost));
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
  // A malformed or invalid policy is no policy, so mode stays null and nothing counts as enforced.
  if (!parsed.ok) return { ...report, error: { code: parsed.code, message: parsed.message } };
  for (const duplicate of parsed.policy.duplicates)
    ctx.findings.push(mtaStsDuplicateFieldFinding('policy', duplicate));
  return { ...report, mode: parsed.policy.mode, mx: parsed.policy.mx, max_age: parsed.policy.max_age };
}
