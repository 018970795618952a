/**
 * The send decision: given each recipient's TLS report, what the message contains and the org policy, allow,
 * warn or block, with reasons per recipient and a message for the Smart Alert in English and Dutch.
 * Deterministic: the same recipients (in any order), findings and policy give the same decision.
 */
import { sensitivityOf } from './classifier/confidence';
import type { ContentFinding } from './classifier/index';
import {
  domainIsCovered,
  forcedTlsCovers,
  stricter,
  type Action,
  type FindingType,
  type OrgPolicy,
  type Sensitivity,
} from './policy';
import type { DomainReport } from './report';
import { STATUS_LABELS, type DomainStatus, type Language } from './status';

export interface RecipientInput {
  address: string;
  /** null: the status could not be had (backend error or timeout). */
  report: DomainReport | null;
}

export interface DecisionContext {
  senderAddress: string;
  /** The user's language. The decision carries both languages; this is for callers that pass it along. */
  language: Language;
}

/** Stable codes for why a recipient got its action. */
export type RecipientReason =
  | 'internal'
  | 'trusted'
  | 'enforced'
  | 'not-sensitive'
  | 'opportunistic'
  | 'none'
  | 'unknown'
  | 'undeliverable'
  | 'invalid'
  | 'lookup-failed';

export interface RecipientDecision {
  address: string;
  domain: string;
  status: DomainStatus | 'error';
  action: Action;
  reason: RecipientReason;
}

export interface Decision {
  action: Action;
  sensitivity: Sensitivity | null;
  /** One entry per distinct address, sorted by domain then address. */
  perRecipient: RecipientDecision[];
  /** At most 500 characters each (the Smart Alerts limit). */
  message: Record<Language, string>;
  secureSendOffered: boolean;
  /** A recipient's TLS status could not be had while the content is sensitive. */
  checkFailed: boolean;
}

export const MAX_MESSAGE_LENGTH = 500;

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

/** Worst first: the order in which risky recipients are named. */
const REASON_RANK: Readonly<Record<RecipientReason, number>> = {
  none: 0,
  opportunistic: 1,
  unknown: 2,
  'lookup-failed': 3,
  invalid: 4,
  undeliverable: 5,
  'not-sensitive': 6,
  enforced: 7,
  trusted: 8,
  internal: 9,
};

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
    return result('allow', 'enforced', 'enforced');
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

  const seen = new Set<string>();
  const perRecipient: RecipientDecision[] = [];
  for (const recipient of recipients) {
    const key = recipient.address.trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    perRecipient.push(judge(recipient.address, recipient.report, sensitiveAction, policy, senderDomain));
  }
  perRecipient.sort((a, b) => compare(a.domain, b.domain) || compare(a.address, b.address));

  let action: Action = 'allow';
  for (const r of perRecipient) action = stricter(action, r.action);
  const tlsRisk = perRecipient.some(
    (r) =>
      r.action !== 'allow' &&
      (r.reason === 'none' ||
        r.reason === 'opportunistic' ||
        r.reason === 'unknown' ||
        r.reason === 'lookup-failed'),
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface MessageFacts {
  action: Action;
  sensitivity: Sensitivity | null;
  sensitiveAction: Action;
  perRecipient: readonly RecipientDecision[];
  findings: readonly ContentFinding[];
  secureSendOffered: boolean;
}

/** How much detail fits; tried in order until the message is short enough. */
interface Detail {
  examples: number;
  maxDomains: number;
  domainWidth: number;
  maxKinds: number;
}

const DETAIL_LEVELS: readonly Detail[] = [
  { examples: 2, maxDomains: 3, domainWidth: 253, maxKinds: 5 },
  { examples: 1, maxDomains: 3, domainWidth: 253, maxKinds: 5 },
  { examples: 0, maxDomains: 3, domainWidth: 253, maxKinds: 4 },
  { examples: 0, maxDomains: 3, domainWidth: 40, maxKinds: 3 },
  { examples: 0, maxDomains: 2, domainWidth: 30, maxKinds: 3 },
  { examples: 0, maxDomains: 1, domainWidth: 30, maxKinds: 2 },
];

interface Words {
  kind: (type: FindingType, count: number, ruleName: string) => string;
  and: string;
  more: (n: number) => string;
  moreKinds: (n: number) => string;
  checkFailedLabel: string;
  blockedPrefix: string;
  contains: (what: string) => string;
  unencrypted: (domains: string) => string;
  checkFailed: (domains: string) => string;
  undeliverable: (domains: string, many: boolean) => string;
  options: (many: boolean, portal: boolean, anyway: boolean) => string;
  fixAddress: string;
  nothingFound: string;
  allSafe: (what: string) => string;
  allowedByPolicy: (what: string) => string;
}

const plural = (count: number, one: string, many: string): string =>
  count === 1 ? `1 ${one}` : `${count} ${many}`;

const WORDS: Readonly<Record<Language, Words>> = {
  en: {
    kind: (type, n, rule) => {
      switch (type) {
        case 'nl-bsn':
          return plural(n, 'BSN (Dutch citizen service number)', 'BSNs (Dutch citizen service numbers)');
        case 'iban':
          return plural(n, 'IBAN', 'IBANs');
        case 'payment-card':
          return plural(n, 'payment card number', 'payment card numbers');
        case 'us-ssn':
          return plural(n, 'US Social Security number', 'US Social Security numbers');
        case 'health':
          return plural(n, 'diagnosis code (ICD-10)', 'diagnosis codes (ICD-10)');
        case 'nl-passport':
          return plural(n, 'passport or ID card number', 'passport or ID card numbers');
        case 'custom':
          return `"${rule}" (${plural(n, 'match', 'matches')})`;
        case 'label':
          return `the label "${rule}"`;
      }
    },
    and: 'and',
    more: (n) => `${n} more`,
    moreKinds: (n) => plural(n, 'other kind', 'other kinds'),
    checkFailedLabel: 'check failed',
    blockedPrefix: 'Blocked: ',
    contains: (what) => `This message contains ${what}.`,
    unencrypted: (domains) => `Mail to ${domains} can travel unencrypted.`,
    checkFailed: (domains) => `The TLS check could not run for ${domains}.`,
    undeliverable: (domains, many) =>
      `Mail to ${domains} cannot be delivered; check ${many ? 'these addresses' : 'the address'}.`,
    options: (many, portal, anyway) =>
      `You can ${list(
        [
          `remove ${many ? 'these recipients' : 'the recipient'}`,
          ...(portal ? ['send it through the secure portal'] : []),
          ...(anyway ? ['send anyway'] : []),
        ],
        'or',
      )}.`,
    fixAddress: 'You can correct or remove the address, or send anyway.',
    nothingFound: 'No sensitive content found.',
    allSafe: (what) =>
      `This message contains ${what}; every recipient is internal, trusted or receives mail with enforced TLS.`,
    allowedByPolicy: (what) => `This message contains ${what}; the policy allows sending it.`,
  },
  nl: {
    kind: (type, n, rule) => {
      switch (type) {
        case 'nl-bsn':
          return plural(n, 'BSN (burgerservicenummer)', "BSN's (burgerservicenummers)");
        case 'iban':
          return plural(n, 'IBAN', "IBAN's");
        case 'payment-card':
          return plural(n, 'betaalkaartnummer', 'betaalkaartnummers');
        case 'us-ssn':
          return plural(n, 'Amerikaans Social Security-nummer', 'Amerikaanse Social Security-nummers');
        case 'health':
          return plural(n, 'diagnosecode (ICD-10)', 'diagnosecodes (ICD-10)');
        case 'nl-passport':
          return plural(n, 'paspoort- of ID-kaartnummer', 'paspoort- of ID-kaartnummers');
        case 'custom':
          return `"${rule}" (${plural(n, 'treffer', 'treffers')})`;
        case 'label':
          return `het label "${rule}"`;
      }
    },
    and: 'en',
    more: (n) => `nog ${n}`,
    moreKinds: (n) => plural(n, 'ander soort gegeven', 'andere soorten gegevens'),
    checkFailedLabel: 'controle mislukt',
    blockedPrefix: 'Geblokkeerd: ',
    contains: (what) => `Dit bericht bevat ${what}.`,
    unencrypted: (domains) => `Mail naar ${domains} kan onversleuteld verstuurd worden.`,
    checkFailed: (domains) => `De TLS-controle kon niet worden uitgevoerd voor ${domains}.`,
    undeliverable: (domains, many) =>
      `Mail naar ${domains} kan niet worden afgeleverd; controleer ${many ? 'deze adressen' : 'het adres'}.`,
    options: (many, portal, anyway) =>
      `U kunt ${list(
        [
          `${many ? 'deze ontvangers' : 'de ontvanger'} verwijderen`,
          ...(portal ? ['het bericht via het beveiligde portaal versturen'] : []),
          ...(anyway ? ['het toch verzenden'] : []),
        ],
        'of',
      )}.`,
    fixAddress: 'U kunt het adres verbeteren of verwijderen, of het bericht toch verzenden.',
    nothingFound: 'Geen gevoelige inhoud gevonden.',
    allSafe: (what) =>
      `Dit bericht bevat ${what}; elke ontvanger is intern, vertrouwd of ontvangt mail met afgedwongen TLS.`,
    allowedByPolicy: (what) => `Dit bericht bevat ${what}; het beleid staat verzenden toe.`,
  },
};

/** "a, b or c". */
function list(items: readonly string[], conjunction: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}

const TYPE_ORDER: readonly FindingType[] = [
  'label',
  'nl-bsn',
  'us-ssn',
  'payment-card',
  'iban',
  'nl-passport',
  'health',
  'custom',
];

/** What was found: kinds with counts and masked examples, most confident first. */
function describeFindings(findings: readonly ContentFinding[], words: Words, detail: Detail): string {
  const groups = new Map<
    string,
    { type: FindingType; name: string; best: number; examples: string[]; count: number }
  >();
  for (const f of findings) {
    const key =
      f.type === 'custom' || f.type === 'label' ? `${f.type}:${f.ruleName ?? f.ruleId ?? ''}` : f.type;
    let group = groups.get(key);
    if (!group) {
      group = { type: f.type, name: f.ruleName ?? f.ruleId ?? '', best: 0, examples: [], count: 0 };
      groups.set(key, group);
    }
    group.count++;
    group.best = Math.max(group.best, f.confidence);
    if (f.type !== 'label' && !group.examples.includes(f.masked)) group.examples.push(f.masked);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      b.best - a.best || TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || compare(a.name, b.name),
  );
  const shown = sorted.slice(0, detail.maxKinds).map((g) => {
    const name = words.kind(g.type, g.count, clip(g.name, 40));
    const examples = [...g.examples].sort(compare).slice(0, detail.examples);
    return examples.length > 0 ? `${name}: ${examples.join(', ')}` : name;
  });
  if (sorted.length > detail.maxKinds) shown.push(words.moreKinds(sorted.length - detail.maxKinds));
  return list(shown, words.and);
}

/** Keeps both ends of a long name visible: "averyveryl…example.com". */
function clip(text: string, width: number): string {
  if (text.length <= width) return text;
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}

function describeDomains(
  recipients: readonly RecipientDecision[],
  language: Language,
  words: Words,
  detail: Detail,
): string {
  const byDomain = new Map<string, RecipientDecision>();
  for (const r of recipients) {
    const known = byDomain.get(r.domain);
    if (!known || REASON_RANK[r.reason] < REASON_RANK[known.reason]) byDomain.set(r.domain, r);
  }
  const sorted = [...byDomain.values()].sort(
    (a, b) => REASON_RANK[a.reason] - REASON_RANK[b.reason] || compare(a.domain, b.domain),
  );
  const named = sorted.slice(0, detail.maxDomains).map((r) => {
    const label = r.status === 'error' ? words.checkFailedLabel : STATUS_LABELS[language][r.status];
    return `${clip(r.domain === '' ? r.address : r.domain, detail.domainWidth)} (${label})`;
  });
  if (sorted.length > detail.maxDomains) named.push(words.more(sorted.length - detail.maxDomains));
  return list(named, words.and);
}

function compose(facts: MessageFacts, language: Language): string {
  let message = '';
  for (const detail of DETAIL_LEVELS) {
    message = composeAt(facts, language, detail);
    if (message.length <= MAX_MESSAGE_LENGTH) return message;
  }
  return `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

function composeAt(facts: MessageFacts, language: Language, detail: Detail): string {
  const words = WORDS[language];
  const risky = facts.perRecipient.filter((r) => r.action !== 'allow');
  const what = facts.findings.length > 0 ? describeFindings(facts.findings, words, detail) : '';
  if (facts.action === 'allow') {
    if (facts.sensitivity === null) return words.nothingFound;
    const safe = facts.perRecipient.every(
      (r) => r.reason === 'internal' || r.reason === 'trusted' || r.reason === 'enforced',
    );
    return safe && facts.sensitiveAction !== 'allow' ? words.allSafe(what) : words.allowedByPolicy(what);
  }
  const tls = risky.filter(
    (r) => r.reason === 'none' || r.reason === 'opportunistic' || r.reason === 'unknown',
  );
  const failed = risky.filter((r) => r.reason === 'lookup-failed');
  const undeliverable = risky.filter((r) => r.reason === 'invalid' || r.reason === 'undeliverable');
  const sentences: string[] = [];
  if (tls.length > 0 || failed.length > 0) sentences.push(words.contains(what));
  if (tls.length > 0) sentences.push(words.unencrypted(describeDomains(tls, language, words, detail)));
  if (failed.length > 0) sentences.push(words.checkFailed(describeDomains(failed, language, words, detail)));
  if (undeliverable.length > 0)
    sentences.push(
      words.undeliverable(describeDomains(undeliverable, language, words, detail), undeliverable.length > 1),
    );
  if (tls.length > 0 || failed.length > 0)
    sentences.push(
      words.options(tls.length + failed.length > 1, facts.secureSendOffered, facts.action === 'warn'),
    );
  else sentences.push(words.fixAddress);
  const text = sentences.join(' ');
  return facts.action === 'block' ? words.blockedPrefix + lowerFirst(text) : text;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
