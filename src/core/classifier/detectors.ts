/**
 * The built-in detectors. Input is normalised text (see normalize.ts). Each candidate must pass its
 * checksum or structure; context decides the confidence, and a look-alike label right before a value
 * (order, invoice, phone, tracking, KvK...) rules it out (labels.ts). Every pass is linear in the text.
 */
import type { DetectorType } from '../policy';
import type { Confidence } from './confidence';
import { ibanLength, isValidIban } from './checksums';
import { icdAt } from './health';
import { CONTEXT_WINDOW, indexKeywords, type KeywordIndex } from './keywords';
import { isAlnum, isDigit, labelsOf, type Labels } from './labels';
import { maskIban, maskPassport } from './mask';
import { isAsciiLetter } from './normalize';
import { detectNumbers, type Candidate } from './numbers';

export interface DetectedFinding {
  type: DetectorType;
  confidence: Confidence;
  start: number;
  end: number;
  masked: string;
}

const compactIban = (value: string): string => value.replace(/[ -]/g, '').toUpperCase();
const isCapital = (c: number): boolean => c >= 65 && c <= 90;

/**
 * Where an IBAN would start whose check digits begin the digit run at `digits`: right after the country code,
 * or after it and a space ("NL 91 ABNA ..."), as some banks print it; then it must be upper case, or every
 * "is 20" and "de 12" in running text would be a start. -1 when neither.
 */
function ibanStart(text: string, digits: number): number {
  const c1 = text.charCodeAt(digits - 1);
  if (isAsciiLetter(c1)) return isAsciiLetter(text.charCodeAt(digits - 2)) ? digits - 2 : -1;
  return c1 === 32 && isCapital(text.charCodeAt(digits - 2)) && isCapital(text.charCodeAt(digits - 3))
    ? digits - 3
    : -1;
}

/** The IBAN from `start` whose check digits are at `digits`, as a candidate; its end, or -1 when none. */
function ibanAt(text: string, start: number, digits: number, out: Candidate[], spans: number[]): number {
  if (isAlnum(text.charCodeAt(start - 1))) return -1;
  const length = ibanLength(text.slice(start, start + 2).toUpperCase());
  if (length === undefined) return -1;
  // Letters and digits, with single spaces or dashes anywhere between them ("NL91 ABNA 0417 1643 00"),
  // counted first: the string is built only for one of the right length.
  let count = 4;
  let p = digits + 2;
  while (count < length && p < text.length) {
    const c = text.charCodeAt(p);
    if (isDigit(c) || isAsciiLetter(c)) {
      count++;
      p++;
    } else if ((c === 32 || c === 45) && isAlnum(text.charCodeAt(p - 1)) && isAlnum(text.charCodeAt(p + 1)))
      p++;
    else break;
  }
  const compact = count === length && !isAlnum(text.charCodeAt(p)) && compactIban(text.slice(start, p));
  if (!compact || !isValidIban(compact)) return -1;
  out.push({ type: 'iban', confidence: 85, start, end: p, masked: maskIban(compact), evidence: 0 });
  spans.push(start, p);
  return p;
}

/** Two letters, six letters or digits, a digit: read in place, where a run of digits ends. */
const PASSPORT = /[A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9]/y;

/** The passport or ID card number that may end at `end`, where a run of digits ends, as a candidate. */
function passportAt(
  text: string,
  end: number,
  keywords: KeywordIndex,
  labels: Labels,
  out: Candidate[],
): void {
  const start = end - 9;
  PASSPORT.lastIndex = start;
  if (
    !isCapital(text.charCodeAt(start)) ||
    isAlnum(text.charCodeAt(start - 1)) ||
    isAlnum(text.charCodeAt(end)) ||
    !PASSPORT.test(text)
  )
    return;
  const value = text.slice(start, end);
  // Six letters in the middle read as a word with a digit on the end ("WINTERDAG4"): a document number
  // only when a passport or ID keyword labels it directly ("Paspoortnummer: SNJJHAXV5").
  const label = labels.of(start);
  if (!/[0-9]/.test(value.slice(2, 8)) && label !== 'passport') return;
  const distance = keywords.distance('passport', start, end, CONTEXT_WINDOW);
  if (distance === Infinity || labels.vetoes(label, start, end, 'passport')) return;
  out.push({
    type: 'nl-passport',
    confidence: 85,
    start,
    end,
    masked: maskPassport(value),
    evidence: distance,
  });
}

function rank(x: Candidate, y: Candidate): number {
  return (
    y.confidence - x.confidence ||
    x.evidence - y.evidence ||
    y.end - y.start - (x.end - x.start) ||
    x.start - y.start
  );
}

/**
 * Where candidates claim the same characters, the more confident (then better supported, then longer) one
 * stays. Candidates are sorted once and only clusters of overlapping ones are ranked, so this is
 * n log n however many a hostile text yields.
 */
function resolveOverlaps(candidates: Candidate[]): DetectedFinding[] {
  const sorted = candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i];
    if (!first) break;
    let j = i + 1;
    let clusterEnd = first.end;
    for (; j < sorted.length; j++) {
      const next = sorted[j];
      if (!next || next.start >= clusterEnd) break;
      if (next.end > clusterEnd) clusterEnd = next.end;
    }
    if (j === i + 1) kept.push(first);
    else {
      const chosen: Candidate[] = [];
      for (const c of sorted.slice(i, j).sort(rank))
        if (!chosen.some((k) => c.start < k.end && k.start < c.end)) chosen.push(c);
      kept.push(...chosen.sort((a, b) => a.start - b.start));
    }
    i = j;
  }
  return kept.map(({ type, confidence, start, end, masked }) => ({ type, confidence, start, end, masked }));
}

/** Runs the enabled built-in detectors over normalised text. Findings are in text order. */
export function detectBuiltIn(text: string, enabled: (type: DetectorType) => boolean): DetectedFinding[] {
  const keywords = indexKeywords(text);
  const labels = labelsOf(text, keywords);
  const candidates: Candidate[] = [];
  const ibanSpans: number[] = [];
  const iban = enabled('iban');
  const passport = enabled('nl-passport') && keywords.has('passport');
  const health = enabled('health') && (keywords.has('medical') || keywords.has('diagnostic'));
  let ibanEnd = 0;
  // Every value has digits: IBANs and ICD-10 codes two in a row right after letters, a passport number one at
  // its end. They are looked for at the runs of digits the number detector walks, in text order (an IBAN
  // before the numbers inside it): one scan of the text for all.
  detectNumbers(text, keywords, labels, enabled, candidates, ibanSpans, (digits, length) => {
    if (passport) passportAt(text, digits + length, keywords, labels, candidates);
    if (length < 2) return;
    const start = iban ? ibanStart(text, digits) : -1;
    if (start >= ibanEnd) ibanEnd = Math.max(ibanEnd, ibanAt(text, start, digits, candidates, ibanSpans));
    if (health && length === 2 && isCapital(text.charCodeAt(digits - 1)))
      icdAt(text, digits - 1, keywords, labels, candidates);
  });
  return resolveOverlaps(candidates);
}
