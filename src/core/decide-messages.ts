/**
 * The wording of a send decision: the Smart Alert message in English and Dutch, shortened until it fits the
 * 500-character limit. Pure and deterministic, like the decision itself (decide.ts).
 */
import type { ContentFinding } from './classifier/index';
import { compare, MAX_MESSAGE_LENGTH, type RecipientDecision, type RecipientReason } from './decision';
import type { Action, DetectorType, FindingType, Sensitivity } from './policy';
import { STATUS_LABELS, type Language } from './status';

/** Worst first: the order in which risky recipients are named. */
const REASON_RANK: Readonly<Record<RecipientReason, number>> = {
  none: 0,
  opportunistic: 1,
  unknown: 2,
  'lookup-failed': 3,
  invalid: 4,
  undeliverable: 5,
  'forced-failing': 5,
  'not-sensitive': 6,
  enforced: 7,
  trusted: 8,
  internal: 9,
};

/** What the message is written from. */
export interface MessageFacts {
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

/** From the most detail down: examples, domains, domain width, kinds. */
const DETAIL_LEVELS: readonly Detail[] = [
  [2, 3, 253, 5],
  [1, 3, 253, 5],
  [0, 3, 253, 4],
  [0, 3, 40, 3],
  [0, 2, 30, 3],
  [0, 1, 30, 2],
].map(([examples = 0, maxDomains = 0, domainWidth = 0, maxKinds = 0]) => ({
  examples,
  maxDomains,
  domainWidth,
  maxKinds,
}));

/**
 * The message texts, each in English and then in Dutch (one text alone is both). "{x}" is filled in;
 * "one|many" pairs are chosen by count, and a "many" that starts with "+" is "one" with that ending. Kept
 * as data so both languages stay side by side and the on-send bundle stays small.
 */
/** A text in English, then in Dutch when that differs. */
type Wording = readonly [string, string?];

const WORDING = {
  'nl-bsn': [
    'BSN (Dutch citizen service number)|BSNs (Dutch citizen service numbers)',
    "BSN (burgerservicenummer)|BSN's (burgerservicenummers)",
  ],
  iban: ['IBAN|+s', "IBAN|+'s"],
  'payment-card': ['payment card number|+s', 'betaalkaartnummer|+s'],
  'us-ssn': [
    'US Social Security number|+s',
    'Amerikaans Social Security-nummer|Amerikaanse Social Security-nummers',
  ],
  health: [
    'diagnosis code (ICD-10)|diagnosis codes (ICD-10)',
    'diagnosecode (ICD-10)|diagnosecodes (ICD-10)',
  ],
  'nl-passport': ['passport or ID card number|+s', 'paspoort- of ID-kaartnummer|+s'],
  custom: ['"{name}" ({n} {matches})'],
  /** A rule that could not finish checking the message; it counts as matched. */
  customUnfinished: [
    '"{name}" (could not finish checking; counts as a match)',
    '"{name}" (controle niet afgerond; telt als treffer)',
  ],
  matches: ['match|+es', 'treffer|+s'],
  label: ['the label "{name}"', 'het label "{name}"'],
  and: ['and', 'en'],
  or: ['or', 'of'],
  more: ['{n} more', 'nog {n}'],
  moreKinds: ['other kind|+s', 'ander soort gegeven|andere soorten gegevens'],
  checkFailedLabel: ['check failed', 'controle mislukt'],
  blocked: ['Blocked: ', 'Geblokkeerd: '],
  contains: ['This message contains {what}.', 'Dit bericht bevat {what}.'],
  unencrypted: [
    'Mail to {domains} can travel unencrypted.',
    'Mail naar {domains} kan onversleuteld verstuurd worden.',
  ],
  checkFailed: [
    'The TLS check could not run for {domains}.',
    'De TLS-controle kon niet worden uitgevoerd voor {domains}.',
  ],
  undeliverable: [
    'Mail to {domains} cannot be delivered; check {the address|these addresses}.',
    'Mail naar {domains} kan niet worden afgeleverd; controleer {het adres|deze adressen}.',
  ],
  forcedFailing: [
    "This message will not be delivered to {domains}, whose mail servers do not meet your organisation's TLS requirement.",
    'Dit bericht wordt niet bezorgd bij {domains}, waarvan de mailservers niet voldoen aan de TLS-eis van uw organisatie.',
  ],
  remove: ['remove {the recipient|these recipients}', '{de ontvanger|deze ontvangers} verwijderen'],
  portal: ['send it through the secure portal', 'het bericht via het beveiligde portaal versturen'],
  anyway: ['send anyway', 'het toch verzenden'],
  youCan: ['You can {options}.', 'U kunt {options}.'],
  fixAddress: [
    'You can correct or remove the address, or send anyway.',
    'U kunt het adres verbeteren of verwijderen, of het bericht toch verzenden.',
  ],
  nothingFound: ['No sensitive content found.', 'Geen gevoelige inhoud gevonden.'],
  allSafe: [
    'This message contains {what}; every recipient is internal, trusted or receives mail with enforced TLS.',
    'Dit bericht bevat {what}; elke ontvanger is intern, vertrouwd of ontvangt mail met afgedwongen TLS.',
  ],
  allowed: [
    'This message contains {what}; the policy allows sending it.',
    'Dit bericht bevat {what}; het beleid staat verzenden toe.',
  ],
} satisfies Record<DetectorType, Wording> & Record<string, Wording>;

type Texts = Readonly<Record<keyof typeof WORDING, string>>;

/** The texts of one language: 0 English, 1 Dutch. */
function textsIn(index: 0 | 1): Texts {
  const texts: Record<string, string> = {};
  for (const key of Object.keys(WORDING) as (keyof typeof WORDING)[]) {
    const pair: Wording = WORDING[key];
    texts[key] = pair[index] || pair[0];
  }
  return texts as Texts;
}

const TEXTS: Readonly<Record<Language, Texts>> = { en: textsIn(0), nl: textsIn(1) };

/** Fills "{key}" from `values` and picks from "{one|many}" (and a bare "one|many") by `count`. */
function fill(template: string, values: Readonly<Record<string, string>>, count = 1): string {
  return template.replace(/\{([^}]*)\}/g, (whole, key: string) => {
    const pair = key.split('|');
    return pair.length === 2 ? (pair[count === 1 ? 0 : 1] ?? '') : (values[key] ?? whole);
  });
}

function pick(pair: string, count: number): string {
  const [one = pair, plural = pair] = pair.split('|');
  const many = plural.charAt(0) === '+' ? one + plural.slice(1) : plural;
  return count === 1 ? one : many;
}

/** "3 IBANs", the kind of a finding with its count. */
function kindText(texts: Texts, type: FindingType, count: number, name: string, unfinished: boolean): string {
  if (type === 'label') return fill(texts.label, { name });
  if (type === 'custom' && unfinished) return fill(texts.customUnfinished, { name });
  if (type === 'custom')
    return fill(texts.custom, { name, n: String(count), matches: pick(texts.matches, count) });
  return `${count} ${pick(texts[type], count)}`;
}

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
function describeFindings(findings: readonly ContentFinding[], texts: Texts, detail: Detail): string {
  const groups = new Map<
    string,
    { type: FindingType; name: string; best: number; examples: string[]; count: number; unfinished: boolean }
  >();
  for (const f of findings) {
    const key =
      f.type === 'custom' || f.type === 'label' ? `${f.type}:${f.ruleName ?? f.ruleId ?? ''}` : f.type;
    let group = groups.get(key);
    if (!group) {
      group = {
        type: f.type,
        name: f.ruleName ?? f.ruleId ?? '',
        best: 0,
        examples: [],
        count: 0,
        unfinished: false,
      };
      groups.set(key, group);
    }
    group.best = Math.max(group.best, f.confidence);
    // A rule that could not finish has a stand-in finding without a value; it is named, not counted.
    if (f.unfinished !== undefined) {
      group.unfinished = true;
      continue;
    }
    group.count++;
    if (f.type !== 'label' && !group.examples.includes(f.masked)) group.examples.push(f.masked);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      b.best - a.best || TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || compare(a.name, b.name),
  );
  const shown = sorted.slice(0, detail.maxKinds).map((g) => {
    const name = kindText(texts, g.type, g.count, clip(g.name, 40), g.unfinished);
    const examples = [...g.examples].sort(compare).slice(0, detail.examples);
    return examples.length > 0 ? `${name}: ${examples.join(', ')}` : name;
  });
  const hidden = sorted.length - detail.maxKinds;
  if (hidden > 0) shown.push(`${hidden} ${pick(texts.moreKinds, hidden)}`);
  return list(shown, texts.and);
}

/** Keeps both ends of a long name visible: "averyveryl…example.com". */
function clip(text: string, width: number): string {
  if (text.length <= width) return text;
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}

/** "a.example (No TLS), b.example (…) and 2 more"; without the status when `labelled` is false. */
function describeDomains(
  recipients: readonly RecipientDecision[],
  language: Language,
  texts: Texts,
  detail: Detail,
  labelled = true,
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
    const name = clip(r.domain === '' ? r.address : r.domain, detail.domainWidth);
    if (!labelled) return name;
    const label = r.status === 'error' ? texts.checkFailedLabel : STATUS_LABELS[language][r.status];
    return `${name} (${label})`;
  });
  if (sorted.length > detail.maxDomains)
    named.push(fill(texts.more, { n: String(sorted.length - detail.maxDomains) }));
  return list(named, texts.and);
}

export function compose(facts: MessageFacts, language: Language): string {
  let message = '';
  for (const detail of DETAIL_LEVELS) {
    message = composeAt(facts, language, detail);
    if (message.length <= MAX_MESSAGE_LENGTH) return message;
  }
  return `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

function composeAt(facts: MessageFacts, language: Language, detail: Detail): string {
  const texts = TEXTS[language];
  const risky = facts.perRecipient.filter((r) => r.action !== 'allow');
  const what = facts.findings.length > 0 ? describeFindings(facts.findings, texts, detail) : '';
  if (facts.action === 'allow') {
    if (facts.sensitivity === null) return texts.nothingFound;
    const safe = facts.perRecipient.every(
      (r) => r.reason === 'internal' || r.reason === 'trusted' || r.reason === 'enforced',
    );
    return fill(safe && facts.sensitiveAction !== 'allow' ? texts.allSafe : texts.allowed, { what });
  }
  const tls = risky.filter(
    (r) => r.reason === 'none' || r.reason === 'opportunistic' || r.reason === 'unknown',
  );
  const failed = risky.filter((r) => r.reason === 'lookup-failed');
  const undeliverable = risky.filter((r) => r.reason === 'invalid' || r.reason === 'undeliverable');
  // Forced-TLS domains whose connector refuses every server: named without their status ("Enforced TLS").
  const bounced = risky.filter((r) => r.reason === 'forced-failing');
  const domains = (group: readonly RecipientDecision[], labelled?: boolean): string =>
    describeDomains(group, language, texts, detail, labelled);
  const sentences: string[] = [];
  if (tls.length > 0 || failed.length > 0) sentences.push(fill(texts.contains, { what }));
  if (tls.length > 0) sentences.push(fill(texts.unencrypted, { domains: domains(tls) }));
  if (failed.length > 0) sentences.push(fill(texts.checkFailed, { domains: domains(failed) }));
  if (undeliverable.length > 0)
    sentences.push(fill(texts.undeliverable, { domains: domains(undeliverable) }, undeliverable.length));
  if (bounced.length > 0) sentences.push(fill(texts.forcedFailing, { domains: domains(bounced, false) }));
  if (tls.length > 0 || failed.length > 0 || bounced.length > 0) {
    const options = [fill(texts.remove, {}, tls.length + failed.length + bounced.length)];
    if (facts.secureSendOffered) options.push(texts.portal);
    if (facts.action === 'warn') options.push(texts.anyway);
    sentences.push(fill(texts.youCan, { options: list(options, texts.or) }));
  } else sentences.push(texts.fixAddress);
  const text = sentences.join(' ');
  return facts.action === 'block' ? texts.blocked + lowerFirst(text) : text;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
