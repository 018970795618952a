import { classifyMessage, validateRegexPattern } from '../src/core/classifier/index';
import { decide, type RecipientReason } from '../src/core/decide';
import type { Action, OrgPolicy } from '../src/core/policy';
import type { DomainReport } from '../src/core/report';
import type { AdminStrings, SampleId } from './strings';

/**
 * The policy editor's live preview: what the on-send check would do with sample messages sent to one
 * domain, computed with the same classifier and decide() the add-in runs, against the draft policy.
 */

export interface PreviewSample {
  /** Also names the sample in the sentence: AdminStrings.samples. */
  id: SampleId;
  subject: string;
  body: string;
}

export const PREVIEW_SAMPLES: readonly PreviewSample[] = [
  { id: 'bsn', subject: 'Client file', body: 'BSN: 111222333' },
  { id: 'iban', subject: 'Payment', body: 'Please pay to IBAN NL91 ABNA 0417 1643 00' },
  { id: 'card', subject: 'Booking', body: 'Card number 4111 1111 1111 1111, exp 12/27' },
  { id: 'health', subject: 'Referral', body: 'Diagnosis: E11.9 (type 2 diabetes)' },
  { id: 'plain', subject: 'Lunch', body: 'Shall we have lunch on Friday?' },
];

export interface PreviewLine {
  sampleId: SampleId;
  /** "With this policy, sending a BSN to gmail.com would:" */
  lead: string;
  /** The lead and the action as a word: "… would: warn". */
  sentence: string;
  action: Action;
  reason: RecipientReason | null;
  /** What the classifier found, e.g. ["nl-bsn"]; empty when nothing. */
  findings: string[];
}

export function previewLines(
  policy: OrgPolicy,
  domain: string,
  report: DomainReport | null,
  samples: readonly PreviewSample[],
  senderAddress: string,
  s: AdminStrings,
): PreviewLine[] {
  // A rule whose pattern is not allowed yet (still being typed) would count as matched everywhere (the
  // classifier fails closed); the editor lists it as a problem and such a draft cannot be saved.
  const customRules = policy.detection.customRules.filter(
    (rule) => rule.kind !== 'regex' || validateRegexPattern(rule.pattern, rule.caseInsensitive).ok,
  );
  const previewed: OrgPolicy = { ...policy, detection: { ...policy.detection, customRules } };
  return samples.map((sample) => {
    const { findings } = classifyMessage(
      { subject: sample.subject, body: sample.body, bodyType: 'text', attachmentNames: [] },
      previewed,
    );
    const decision = decide([{ address: `someone@${domain}`, report }], findings, previewed, {
      senderAddress,
      language: 'en',
    });
    const lead = s.previewLead(s.samples[sample.id], domain);
    return {
      sampleId: sample.id,
      lead,
      sentence: `${lead} ${s.actions[decision.action]}`,
      action: decision.action,
      reason: decision.perRecipient[0]?.reason ?? null,
      findings: [...new Set(findings.map((finding) => finding.type))],
    };
  });
}
