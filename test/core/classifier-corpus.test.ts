import { DETECTOR_TYPES } from '../../src/core/policy';
import { evaluate, loadCorpus, PRECISION_TARGET, RECALL_TARGET } from '../../bench/eval-classifier';

const { emails, policy } = loadCorpus();
const { scores, mistakes } = evaluate(emails, policy);

describe('the labelled corpus', () => {
  it('has at least 200 emails in Dutch and English, with positives for every type and hard negatives', () => {
    expect(emails.length).toBeGreaterThanOrEqual(200);
    expect(emails.filter((e) => e.lang === 'nl').length).toBeGreaterThanOrEqual(80);
    expect(emails.filter((e) => e.lang === 'en').length).toBeGreaterThanOrEqual(80);
    for (const type of [...DETECTOR_TYPES, 'custom'] as const)
      expect(emails.filter((e) => e.labels.includes(type)).length).toBeGreaterThanOrEqual(15);
    expect(emails.filter((e) => e.labels.length === 0).length).toBeGreaterThanOrEqual(100);
    expect(new Set(emails.map((e) => e.id)).size).toBe(emails.length);
  });
});

describe('classifier quality on the corpus', () => {
  it.each([...DETECTOR_TYPES, 'custom'] as const)('%s meets the precision and recall targets', (type) => {
    const score = scores.find((s) => s.type === type);
    expect(score).toBeDefined();
    const detail = mistakes.filter((m) => m.type === type);
    // The mistakes are in the failure output, so a regression says which emails broke.
    expect({ type, precision: score!.precision >= PRECISION_TARGET, detail }).toEqual({
      type,
      precision: true,
      detail,
    });
    expect(score!.recall).toBeGreaterThanOrEqual(RECALL_TARGET);
  });
});
