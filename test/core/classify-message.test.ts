import { classifyMessage, sensitivityOf, type MessageContent } from '../../src/core/classifier/index';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';

function message(partial: Partial<MessageContent>): MessageContent {
  return { subject: '', body: '', bodyType: 'text', attachmentNames: [], ...partial };
}

function policyWith(detection: Partial<OrgPolicy['detection']>): OrgPolicy {
  return { ...DEFAULT_POLICY, detection: { ...DEFAULT_POLICY.detection, ...detection } };
}

describe('classifyMessage', () => {
  it('reads subject, body and attachment names, with offsets into each normalised part', () => {
    const result = classifyMessage(
      message({
        subject: 'IBAN NL91ABNA0417164300',
        body: 'Paspoort: SPECI2014',
        attachmentNames: ['scan.pdf', 'bsn 111222333.pdf'],
      }),
      DEFAULT_POLICY,
    );
    expect(result.findings.map((f) => [f.type, f.source, f.start, f.end])).toEqual([
      ['iban', 'subject', 5, 23],
      ['nl-passport', 'body', 10, 19],
      ['nl-bsn', 'attachment-name', 13, 22],
    ]);
    expect(result.sensitivity).toBe('high');
  });

  it('lets a keyword in the subject support a number in the body', () => {
    const withSubject = classifyMessage(
      message({ subject: 'BSN medewerker', body: '111222333' }),
      DEFAULT_POLICY,
    );
    expect(withSubject.findings.map((f) => f.type)).toEqual(['nl-bsn']);
    const without = classifyMessage(message({ subject: 'Medewerker', body: '111222333' }), DEFAULT_POLICY);
    expect(without.findings).toEqual([]);
    expect(without.sensitivity).toBeNull();
  });

  it('converts an HTML body before reading it', () => {
    const result = classifyMessage(
      message({ body: '<p>BSN: <b>111</b>&#8203;222<span>333</span></p>', bodyType: 'html' }),
      DEFAULT_POLICY,
    );
    expect(result.findings.map((f) => f.type)).toEqual(['nl-bsn']);
  });

  it('skips detectors the policy switched off', () => {
    const result = classifyMessage(
      message({ body: 'NL91ABNA0417164300 and BSN 111222333' }),
      policyWith({ disabledDetectors: ['iban'] }),
    );
    expect(result.findings.map((f) => f.type)).toEqual(['nl-bsn']);
  });

  it('runs the org rules with the sensitivity they state', () => {
    const policy = policyWith({
      customRules: [
        {
          id: 'zeus',
          name: 'Project Zeus',
          kind: 'keywords',
          keywords: ['project zeus'],
          sensitivity: 'medium',
        },
        {
          id: 'prj',
          name: 'Project number',
          kind: 'regex',
          pattern: 'PRJ-\\d{6}',
          caseInsensitive: false,
          sensitivity: 'low',
        },
      ],
    });
    const result = classifyMessage(message({ subject: 'Project Zeus', body: 'See PRJ-123456.' }), policy);
    expect(result.findings.map((f) => [f.type, f.confidence, f.source, f.ruleId, f.masked])).toEqual([
      ['custom', 75, 'subject', 'zeus', '******* **us'],
      ['custom', 65, 'body', 'prj', '***-****56'],
    ]);
    expect(result.sensitivity).toBe('medium');
    expect(result.truncatedRules).toEqual([]);
  });

  it('reports a regex rule that ran out of time, and a rule that may not run at all', () => {
    const policy = policyWith({
      customRules: [
        {
          id: 'slow',
          name: 'Slow',
          kind: 'regex',
          pattern: '\\d+x',
          caseInsensitive: false,
          sensitivity: 'high',
        },
        {
          id: 'unsafe',
          name: 'Unsafe',
          kind: 'regex',
          pattern: '(a+)+b',
          caseInsensitive: false,
          sensitivity: 'high',
        },
      ],
    });
    let clock = 0;
    const result = classifyMessage(message({ body: '1'.repeat(50_000) }), policy, {
      regexBudgetMs: 20,
      now: () => (clock += 15),
    });
    expect(result.truncatedRules).toEqual(['slow', 'unsafe']);
    // Neither checked the whole message, so both count as matched (fail closed).
    expect(result.findings.map((finding) => [finding.ruleId, finding.unfinished])).toEqual([
      ['slow', 'timed-out'],
      ['unsafe', 'not-allowed'],
    ]);
    expect(result.sensitivity).toBe('high');
  });

  it('counts a mapped sensitivity label as a finding, matching ids without case or braces', () => {
    const policy = policyWith({
      labels: [
        { labelId: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Vertrouwelijk', sensitivity: 'high' },
      ],
    });
    const labelled = classifyMessage(
      message({ body: 'Hallo', sensitivityLabelId: '{A1B2C3D4-0000-4000-8000-000000000001}' }),
      policy,
    );
    expect(labelled.findings).toEqual([
      expect.objectContaining({ type: 'label', confidence: 85, source: 'label', masked: 'Vertrouwelijk' }),
    ]);
    expect(labelled.sensitivity).toBe('high');
    const other = classifyMessage(
      message({ body: 'Hallo', sensitivityLabelId: 'ffffffff-0000-4000-8000-000000000001' }),
      policy,
    );
    expect(other.findings).toEqual([]);
  });
});

describe('sensitivityOf', () => {
  it('is the highest confidence among the findings', () => {
    expect(sensitivityOf([])).toBeNull();
    expect(sensitivityOf([{ confidence: 65 }])).toBe('low');
    expect(sensitivityOf([{ confidence: 65 }, { confidence: 75 }])).toBe('medium');
    expect(sensitivityOf([{ confidence: 85 }, { confidence: 65 }])).toBe('high');
  });
});
