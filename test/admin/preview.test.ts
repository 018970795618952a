import { PREVIEW_SAMPLES, previewLines } from '../../admin/preview';
import { ADMIN_STRINGS } from '../../admin/strings';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import { reportFor } from '../support/reports';

/** The console's preview runs the add-in's own classifier and decide() over sample messages. */

const SENDER = 'admin@org.example';
const EN = ADMIN_STRINGS.en;

describe('previewLines', () => {
  it('says what each sample would get with the draft policy', () => {
    const lines = previewLines(
      DEFAULT_POLICY,
      'gmail.com',
      reportFor('gmail.com', 'opportunistic'),
      PREVIEW_SAMPLES,
      SENDER,
      EN,
    );
    expect(Object.fromEntries(lines.map((line) => [line.sampleId, line.sentence]))).toEqual({
      bsn: 'With this policy, sending a BSN to gmail.com would: block',
      iban: 'With this policy, sending an IBAN to gmail.com would: block',
      card: 'With this policy, sending a card number to gmail.com would: block',
      health: 'With this policy, sending health data to gmail.com would: block',
      plain: 'With this policy, sending an ordinary message to gmail.com would: allow',
    });
    expect(lines.find((line) => line.sampleId === 'bsn')?.findings).toEqual(['nl-bsn']);
  });

  it('follows every change of the draft', () => {
    const report = reportFor('gmail.com', 'opportunistic');
    const relaxed: OrgPolicy = { ...DEFAULT_POLICY, actions: { ...DEFAULT_POLICY.actions, high: 'warn' } };
    expect(previewLines(relaxed, 'gmail.com', report, PREVIEW_SAMPLES, SENDER, EN)[0]?.action).toBe('warn');

    const noBsn: OrgPolicy = {
      ...DEFAULT_POLICY,
      detection: { ...DEFAULT_POLICY.detection, disabledDetectors: ['nl-bsn'] },
    };
    expect(previewLines(noBsn, 'gmail.com', report, PREVIEW_SAMPLES, SENDER, EN)[0]).toMatchObject({
      action: 'allow',
      findings: [],
    });

    const trusted: OrgPolicy = { ...DEFAULT_POLICY, trustedDomains: ['gmail.com'] };
    expect(previewLines(trusted, 'gmail.com', report, PREVIEW_SAMPLES, SENDER, EN)[0]).toMatchObject({
      action: 'allow',
      reason: 'trusted',
    });
  });

  it('leaves out a regex rule whose pattern is still being typed, which the classifier would count everywhere', () => {
    const typing: OrgPolicy = {
      ...DEFAULT_POLICY,
      actions: { high: 'block', medium: 'block', low: 'block' },
      detection: {
        ...DEFAULT_POLICY.detection,
        customRules: [
          {
            id: 'rule-1',
            name: 'New',
            kind: 'regex',
            pattern: '',
            caseInsensitive: false,
            sensitivity: 'high',
          },
        ],
      },
    };
    const report = reportFor('gmail.com', 'opportunistic');
    const plain = previewLines(typing, 'gmail.com', report, PREVIEW_SAMPLES, SENDER, EN).find(
      (line) => line.sampleId === 'plain',
    );
    expect(plain).toMatchObject({ action: 'allow', findings: [] });
  });

  it('allows everything to a domain with enforced TLS, and treats unknown TLS as the policy says', () => {
    const enforced = previewLines(
      DEFAULT_POLICY,
      'bank.example',
      reportFor('bank.example', 'enforced'),
      PREVIEW_SAMPLES,
      SENDER,
      EN,
    );
    expect(enforced.every((line) => line.action === 'allow')).toBe(true);
    const unknown = previewLines(
      { ...DEFAULT_POLICY, unknownAs: 'block' },
      'odd.example',
      reportFor('odd.example', 'unknown'),
      PREVIEW_SAMPLES,
      SENDER,
      EN,
    );
    expect(unknown[0]).toMatchObject({ action: 'block', reason: 'unknown' });
  });

  it('says it in Dutch, with the action as a word and the same decision', () => {
    const [bsn] = previewLines(
      DEFAULT_POLICY,
      'gmail.com',
      reportFor('gmail.com', 'opportunistic'),
      PREVIEW_SAMPLES,
      SENDER,
      ADMIN_STRINGS.nl,
    );
    expect(bsn).toMatchObject({
      action: 'block',
      sentence: 'Met dit beleid is de actie bij het versturen van een BSN naar gmail.com: blokkeren',
    });
  });
});
