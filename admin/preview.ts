import { classifyMessage } from '../src/core/classifier/index';
import { decide, type RecipientReason } from '../src/core/decide';
import type { Action, OrgPolicy } from '../src/core/policy';
import type { DomainReport } from '../src/core/report';

/**
 * The policy editor's live preview: what the on-send check would do with sample messages sent to one
 * domain, computed with the same classifier and decide() the add-in runs, against the draft policy.
 */

export interface PreviewSample {
  id: string;
  /** Reads after "sending": "a BSN", "an IBAN". */
  label: string;
  subject: string;
  body: string;
}

export const PREVIEW_SAMPLES: readonly PreviewSample[] = [
  { id: 'bsn', label: 'a BSN', subject: 'Client file', body: 'BSN: 111222333' },
  { id: 'iban', label: 'an IBAN', subject: 'Payment', body: 'Please pay to IBAN NL91 ABNA 0417 1643 00' },
  {
    id: 'card',
    label: 'a card number',
    subject: 'Booking',
    body: 'Card number 4111 1111 1111 1111, exp 12/27',
  },
  { id: 'health', label: 'health data', subject: 'Referral', body: 'Diagnosis: E11.9 (type 2 diabetes)' },
  { id: 'plain', label: 'an ordinary message', subject: 'Lunch', body: 'Shall we have lunch on Friday?' },
];

export interface PreviewLine {
  sampleId: string;
  /** "With this policy, sending a BSN to gmail.com would:" */
  lead: string;
  /** The lead and the action: "… would: warn". */
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
): PreviewLine[] {
  return samples.map((sample) => {
    const { findings } = classifyMessage(
      { subject: sample.subject, body: sample.body, bodyType: 'text', attachmentNames: [] },
      policy,
    );
    const decision = decide([{ address: `someone@${domain}`, report }], findings, policy, {
      senderAddress,
      language: 'en',
    });
    const lead = `With this policy, sending ${sample.label} to ${domain} would:`;
    return {
      sampleId: sample.id,
      lead,
      sentence: `${lead} ${decision.action}`,
      action: decision.action,
      reason: decision.perRecipient[0]?.reason ?? null,
      findings: [...new Set(findings.map((finding) => finding.type))],
    };
  });
}
