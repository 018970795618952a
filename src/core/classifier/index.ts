/**
 * Sensitive-content detection, shared by the add-in (which classifies on the client, so content never
 * leaves it to be classified) and the server. Pure: no I/O, no Node APIs.
 *
 * Offsets: a finding's start/end are UTF-16 offsets into the normalised text of its source (see
 * normalize.ts); for ASCII input without HTML that is the input itself.
 */
import {
  DETECTOR_TYPES,
  type DetectorType,
  type FindingType,
  type CustomRule,
  type OrgPolicy,
  type RegexRule,
  type Sensitivity,
} from '../policy';
import { compileRegexRule, matchKeywords, runRegex } from './custom-rules';
import { CONFIDENCE, sensitivityOf, type Confidence } from './confidence';
import { detectBuiltIn } from './detectors';
import { maskGeneric } from './mask';
import { htmlToText, normalizeText } from './normalize';

export { validateRegexPattern, type PatternProblem, type PatternValidation } from './custom-rules';
export { htmlToText, normalizeText } from './normalize';
export { CONFIDENCE, sensitivityOf, sensitivityOfConfidence, type Confidence } from './confidence';

export type FindingSource = 'subject' | 'body' | 'attachment-name' | 'label';

/**
 * Why an org rule could not check the whole message: it ran out of its own time, the time for all rules was
 * spent before it ran, or its pattern is outside the safe subset (a policy from before a validator change).
 */
export type RuleUnfinished = 'timed-out' | 'over-budget' | 'not-allowed';

export interface ContentFinding {
  type: FindingType;
  /** Purview's convention: 85 high, 75 medium, 65 low. */
  confidence: Confidence;
  start: number;
  end: number;
  /** The value with most of it starred; never the whole value. */
  masked: string;
  source: FindingSource;
  /** For `custom` the rule, for `label` the label id. */
  ruleId?: string;
  ruleName?: string;
  /**
   * Set on the one finding that stands for a custom rule that could not finish: it counts as a match at the
   * rule's sensitivity (fail closed), with no span (start = end = 0) and an empty `masked`.
   */
  unfinished?: RuleUnfinished;
}

export interface MessageContent {
  subject: string;
  body: string;
  bodyType: 'html' | 'text';
  attachmentNames: string[];
  /** The Purview sensitivity label GUID Outlook reports, if any. */
  sensitivityLabelId?: string | null;
}

export interface Classification {
  findings: ContentFinding[];
  /** The highest confidence among the findings, as a sensitivity; null when nothing was found. */
  sensitivity: Sensitivity | null;
  /**
   * Ids of rules that ran out of time on this message, were not run because the time for all rules was
   * spent, or may not run; each also has a finding with `unfinished` set.
   */
  truncatedRules: string[];
}

export interface ClassifyOptions {
  /** Time allowed for each regex rule on one message (default 50 ms). */
  regexBudgetMs?: number;
  /**
   * Time allowed for all the org's rules together on one message (default 500 ms), so that many slow rules
   * cannot hold the on-send check past its own budget. Rules not run for lack of it count as matched.
   */
  rulesBudgetMs?: number;
  /** A clock in milliseconds (default performance.now, else Date.now). */
  now?: () => number;
}

function defaultNow(): number {
  return typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? performance.now()
    : Date.now();
}

export interface ClassifyTextOptions {
  /** Treat the text as HTML (default: plain text). */
  html?: boolean;
  disabledDetectors?: readonly DetectorType[];
}

/** The built-in detectors over one text (the CLI's scan). Findings are in text order, source `body`. */
export function classifyText(text: string, options: ClassifyTextOptions = {}): ContentFinding[] {
  const normalised = normalizeText(options.html ? htmlToText(text) : text);
  const disabled = options.disabledDetectors || [];
  // Object.assign rather than spread: the classic Outlook runtime is ES2016, where spread needs helpers.
  return detectBuiltIn(normalised, (type) => !disabled.includes(type)).map((f) =>
    Object.assign(f, { source: 'body' as const }),
  );
}

const SEPARATOR = '\n\n';

function sameLabel(a: string, b: string): boolean {
  const clean = (id: string): string =>
    id
      .trim()
      .replace(/^\{|\}$/g, '')
      .toLowerCase();
  return clean(a) === clean(b);
}

/**
 * Classifies a message under the organisation's policy: subject, body (HTML converted to text) and attachment
 * names are normalised and read as one text, so a keyword in the subject supports a number in the body; the
 * sensitivity label counts as a finding when the policy maps it.
 */
export function classifyMessage(
  content: MessageContent,
  policy: OrgPolicy,
  options: ClassifyOptions = {},
): Classification {
  const subject = normalizeText(content.subject);
  const body = normalizeText(content.bodyType === 'html' ? htmlToText(content.body) : content.body);
  const names = normalizeText(content.attachmentNames.join('\n'));
  const bodyStart = subject.length + SEPARATOR.length;
  const namesStart = bodyStart + body.length + SEPARATOR.length;
  const text = subject + SEPARATOR + body + SEPARATOR + names;

  const locate = (start: number, end: number): Pick<ContentFinding, 'source' | 'start' | 'end'> => {
    const [source, offset, length]: [FindingSource, number, number] =
      start >= namesStart
        ? ['attachment-name', namesStart, names.length]
        : start >= bodyStart
          ? ['body', bodyStart, body.length]
          : ['subject', 0, subject.length];
    return { source, start: start - offset, end: Math.min(end - offset, length) };
  };

  const disabled = policy.detection.disabledDetectors;
  const enabled = (type: DetectorType): boolean => DETECTOR_TYPES.includes(type) && !disabled.includes(type);
  const findings: ContentFinding[] = detectBuiltIn(text, enabled).map((f) =>
    Object.assign(f, locate(f.start, f.end)),
  );

  const truncatedRules: string[] = [];
  const unfinished = (rule: CustomRule, why: RuleUnfinished): void => {
    truncatedRules.push(rule.id);
    findings.push({
      type: 'custom',
      confidence: CONFIDENCE[rule.sensitivity],
      start: 0,
      end: 0,
      masked: '',
      source: 'body',
      ruleId: rule.id,
      ruleName: rule.name,
      unfinished: why,
    });
  };
  const now = options.now || defaultNow;
  const budgetMs = options.regexBudgetMs ?? 50;
  const rulesBudgetMs = options.rulesBudgetMs ?? 500;
  const rulesStarted = now();
  for (const rule of policy.detection.customRules) {
    // Text after a rule that stopped was not checked, so the rule counts as matched (fail closed).
    const left = rulesBudgetMs - (now() - rulesStarted);
    if (left <= 0) {
      unfinished(rule, 'over-budget');
      continue;
    }
    let spans: number[];
    if (rule.kind === 'keywords') spans = matchKeywords(text, rule);
    else {
      const result = runRegexRule(text, rule, Math.min(budgetMs, left), now);
      if (result.unfinished) unfinished(rule, result.unfinished);
      spans = result.spans;
    }
    for (let k = 0; k + 1 < spans.length; k += 2) {
      const start = spans[k] || 0;
      const end = spans[k + 1] || 0;
      const where = locate(start, end);
      if (where.end <= where.start) continue;
      findings.push({
        type: 'custom',
        confidence: CONFIDENCE[rule.sensitivity],
        source: where.source,
        start: where.start,
        end: where.end,
        masked: maskGeneric(text.slice(start, end)),
        ruleId: rule.id,
        ruleName: rule.name,
      });
    }
  }

  const labelId = content.sensitivityLabelId;
  if (labelId) {
    const mapping = policy.detection.labels.find((label) => sameLabel(label.labelId, labelId));
    if (mapping)
      findings.push({
        type: 'label',
        confidence: CONFIDENCE[mapping.sensitivity],
        start: 0,
        end: 0,
        masked: mapping.name,
        source: 'label',
        ruleId: mapping.labelId,
        ruleName: mapping.name,
      });
  }

  return { findings, sensitivity: sensitivityOf(findings), truncatedRules };
}

function runRegexRule(
  text: string,
  rule: RegexRule,
  budgetMs: number,
  now: () => number,
): { spans: number[]; unfinished: RuleUnfinished | null } {
  const re = compileRegexRule(rule);
  // A pattern outside the safe subset (a policy from before a validator change) is not run at all.
  if (!re) return { spans: [], unfinished: 'not-allowed' };
  const { spans, truncated } = runRegex(text, re, { budgetMs, now });
  return { spans, unfinished: truncated ? 'timed-out' : null };
}
