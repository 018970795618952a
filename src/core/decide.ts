/**
 * The send decision: given each recipient's TLS report, what the message contains and the org policy, allow,
 * warn or block, with reasons per recipient and a message for the Smart Alert in English and Dutch (its
 * wording is decide-messages.ts). Deterministic: the same recipients (in any order), findings and policy give
 * the same decision.
 */
import { sensitivityOf } from './classifier/confidence';
import type { ContentFinding } from './classifier/index';
import { compose, type MessageFacts } from './decide-messages';
import {
  compare,
  type Decision,
  type DecisionContext,
  type RecipientDecision,
  type RecipientInput,
  type RecipientReason,
} from './decision';
import { domainIsCovered, forcedTlsCovers, stricter, type Action, type OrgPolicy } from './policy';
import type { DomainReport } from './report';
import type { DomainStatus } from './status';

// The decision's types live in decision.ts so the wording can share them; callers keep importing them here.
export { MAX_MESSAGE_LENGTH } from './decision';
export type { Decision, DecisionContext, RecipientDecision, RecipientInput, RecipientReason };

/** The domain of an address, lowercase, as an A-label when the platform can convert it. */
export function domainOfAddress(address: string): string {
  const at = address.lastIndexOf('@');
  let domain = (at >= 0 ? address.slice(at + 1) : address).trim().toLowerCase();
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  // The core cannot bundle an IDNA table; URL does UTS-46 where it exists (browsers, Node).
  if (/[\u0080-\uffff]/.test(domain) && typeof URL === 'function') {
    try {
      domain = new URL(`http://${domain}/`).hostname;
    } catch {
      // not a valid host: leave it as typed; it will not match any list
    }
  }
  return domain;
}

function judge(
  address: string,
  report: DomainReport | null,
  sensitiveAction: Action,
  policy: OrgPolicy,
  senderDomain: string,
): RecipientDecision {
  const domain = report && report.domain !== '' ? report.domain.toLowerCase() : domainOfAddress(address);
  const status: DomainStatus | 'error' = report ? report.status : 'error';
  const sensitive = sensitiveAction !== 'allow';
  const result = (action: Action, reason: RecipientReason, shown = status): RecipientDecision => ({
    address,
    domain,
    status: shown,
    action,
    reason,
  });
  if (domain !== '' && (domain === senderDomain || domainIsCovered(domain, policy.internalDomains)))
    return result('allow', 'internal');
  if (domain !== '' && domainIsCovered(domain, policy.trustedDomains)) return result('allow', 'trusted');
  if (domain !== '' && forcedTlsCovers(domain, policy.forcedTlsDomains))
    // Whatever the content: the connector would refuse every server, so the mail would only bounce.
    return report?.delivery?.state === 'failing'
      ? result('warn', 'forced-failing', 'enforced')
      : result('allow', 'enforced', 'enforced');
  if (!report)
    return sensitive ? result(policy.onBackendError, 'lookup-failed') : result('allow', 'not-sensitive');
  switch (report.status) {
    case 'invalid':
      return result('warn', 'invalid');
    case 'no-mail':
      return result('warn', 'undeliverable');
    case 'enforced':
      return result('allow', 'enforced');
    case 'unknown':
      return sensitive ? result(policy.unknownAs, 'unknown') : result('allow', 'not-sensitive');
    case 'opportunistic':
    case 'none':
      return sensitive ? result(sensitiveAction, report.status) : result('allow', 'not-sensitive');
  }
}

/** The decision for one send. */
export function decide(
  recipients: readonly RecipientInput[],
  findings: readonly ContentFinding[],
  policy: OrgPolicy,
  context: DecisionContext,
): Decision {
  const sensitivity = sensitivityOf(findings);
  const sensitiveAction: Action = sensitivity ? policy.actions[sensitivity] : 'allow';
  const senderDomain = domainOfAddress(context.senderAddress);

  // One entry per address; of spellings that differ only in case, the first in sort order, so the
  // decision does not depend on the order recipients come in.
  const byAddress = new Map<string, RecipientInput>();
  for (const recipient of recipients) {
    const key = recipient.address.trim().toLowerCase();
    const known = byAddress.get(key);
    if (!known || compare(recipient.address, known.address) < 0) byAddress.set(key, recipient);
  }
  const perRecipient = [...byAddress.values()].map((r) =>
    judge(r.address, r.report, sensitiveAction, policy, senderDomain),
  );
  perRecipient.sort((a, b) => compare(a.domain, b.domain) || compare(a.address, b.address));

  let action: Action = 'allow';
  for (const r of perRecipient) action = stricter(action, r.action);
  const tlsRisk = perRecipient.some(
    (r) =>
      r.action !== 'allow' &&
      (r.reason === 'none' ||
        r.reason === 'opportunistic' ||
        r.reason === 'unknown' ||
        r.reason === 'lookup-failed' ||
        r.reason === 'forced-failing'),
  );
  const secureSendOffered = policy.portal && action !== 'allow' && tlsRisk;
  const checkFailed = perRecipient.some((r) => r.reason === 'lookup-failed');

  const facts: MessageFacts = {
    action,
    sensitivity,
    sensitiveAction,
    perRecipient,
    findings,
    secureSendOffered,
  };
  return {
    action,
    sensitivity,
    perRecipient,
    message: { en: compose(facts, 'en'), nl: compose(facts, 'nl') },
    secureSendOffered,
    checkFailed,
  };
}
