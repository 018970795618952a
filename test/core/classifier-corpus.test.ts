import { DETECTOR_TYPES } from '../../src/core/policy';
import {
  evaluate,
  loadCorpus,
  PRECISION_TARGET,
  RECALL_TARGET,
  type CorpusEmail,
  type Mistake,
  type TypeScore,
} from '../../bench/eval-classifier';

const { tuning, heldout, emails, policy } = loadCorpus();
const TYPES = [...DETECTOR_TYPES, 'custom'] as const;

function expectTargets(type: (typeof TYPES)[number], scores: TypeScore[], mistakes: Mistake[]): void {
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
}

const negatives = (part: CorpusEmail[]) => part.filter((e) => e.labels.length === 0).length;

describe('the labelled corpus', () => {
  it('has at least 200 tuning emails in Dutch and English, with positives for every type and hard negatives', () => {
    expect(tuning.length).toBeGreaterThanOrEqual(200);
    expect(tuning.filter((e) => e.lang === 'nl').length).toBeGreaterThanOrEqual(80);
    expect(tuning.filter((e) => e.lang === 'en').length).toBeGreaterThanOrEqual(80);
    for (const type of TYPES)
      expect(tuning.filter((e) => e.labels.includes(type)).length).toBeGreaterThanOrEqual(15);
    expect(negatives(tuning)).toBeGreaterThanOrEqual(100);
    expect(new Set(emails.map((e) => e.id)).size).toBe(emails.length);
  });

  it('has a held-out part of at least 300 emails, about half in each language and 40% negatives', () => {
    expect(heldout.length).toBeGreaterThanOrEqual(300);
    expect(heldout.every((e) => e.id.startsWith('heldout-'))).toBe(true);
    expect(heldout.filter((e) => e.lang === 'nl').length).toBeGreaterThanOrEqual(heldout.length * 0.4);
    expect(heldout.filter((e) => e.lang === 'en').length).toBeGreaterThanOrEqual(heldout.length * 0.4);
    for (const type of DETECTOR_TYPES)
      expect(heldout.filter((e) => e.labels.includes(type)).length).toBeGreaterThanOrEqual(15);
    expect(heldout.filter((e) => e.labels.includes('custom')).length).toBeGreaterThanOrEqual(10);
    expect(negatives(heldout)).toBeGreaterThanOrEqual(heldout.length * 0.35);
  });
});

describe('classifier quality on the tuning corpus', () => {
  const { scores, mistakes } = evaluate(tuning, policy);
  it.each(TYPES)('%s meets the precision and recall targets', (type) => {
    expectTargets(type, scores, mistakes);
  });
});

// Written from docs/detection.md without reading the detectors: a miss here is a class of
// input the detectors do not handle yet. Fix the class, never the labels.
describe('classifier quality on the held-out corpus', () => {
  const { scores, mistakes } = evaluate(heldout, policy);
  it.each(TYPES)('%s meets the precision and recall targets', (type) => {
    expectTargets(type, scores, mistakes);
  });
});
