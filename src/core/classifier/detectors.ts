/**
 * The built-in detectors. Input is normalised text (see normalize.ts). Each candidate must pass its
 * checksum or structure; context decides the confidence, and a look-alike label right before a value
 * (order, invoice, phone, tracking, KvK...) rules it out (labels.ts). Every pass is linear in the text.
 */
import type { DetectorType } from '../policy';
import type { Confidence } from './confidence';
import { ibanLength, isValidIban } from './checksums';
import { detectIcd10 } from './health';
import { CONTEXT_WINDOW, indexKeywords, type KeywordIndex } from './keywords';
import { isAlnum, isDigit, labelsOf, type Labels } from './labels';
import { maskIban, maskPassport } from './mask';
import { detectNumbers, type Candidate } from './numbers';

export interface DetectedFinding {
  type: DetectorType;
  confidence: Confidence;
  start: number;
  end: number;
  masked: string;
}

// The country code may stand apart from the check digits ("NL 91 ABNA ..."), as some banks print it; then
// it must be upper case, or every "is 20" and "de 12" in running text would be a start.
const IBAN_START = /[A-Za-z]{2}[0-9]{2}|[A-Z]{2} [0-9]{2}/g;

function detectIbans(text: string, out: Candidate[], spans: number[]): void {
  IBAN_START.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = IBAN_START.exec(text)) !== null) {
    const start = m.index;
    if (isAlnum(text.charCodeAt(start - 1))) {
      IBAN_START.lastIndex = start + 1;
      continue;
    }
    const length = ibanLength(m[0].slice(0, 2).toUpperCase());
    if (length === undefined) {
      IBAN_START.lastIndex = start + 1;
      continue;
    }
    // Letters and digits, with single spaces or dashes anywhere between them ("NL91 ABNA 0417 1643 00").
    let compact = m[0].replace(' ', '').toUpperCase();
    let p = start + m[0].length;
    while (compact.length < length && p < text.length) {
      const c = text.charCodeAt(p);
      if (isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
        compact += text.charAt(p).toUpperCase();
        p++;
      } else if ((c === 32 || c === 45) && isAlnum(text.charCodeAt(p - 1)) && isAlnum(text.charCodeAt(p + 1)))
        p++;
      else break;
    }
    if (compact.length === length && !isAlnum(text.charCodeAt(p)) && isValidIban(compact)) {
      out.push({ type: 'iban', confidence: 85, start, end: p, masked: maskIban(compact), evidence: 0 });
      spans.push(start, p);
      IBAN_START.lastIndex = p;
    } else IBAN_START.lastIndex = start + 1;
  }
}

const PASSPORT = /[A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9]/g;

function detectPassports(text: string, keywords: KeywordIndex, labels: Labels, out: Candidate[]): void {
  PASSPORT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PASSPORT.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (isAlnum(text.charCodeAt(start - 1)) || isAlnum(text.charCodeAt(end))) {
      PASSPORT.lastIndex = start + 1;
      continue;
    }
    // Six letters in the middle read as a word with a digit on the end ("WINTERDAG4"): a document number
    // only when a passport or ID keyword labels it directly ("Paspoortnummer: SNJJHAXV5").
    const label = labels.of(start);
    if (!/[0-9]/.test(m[0].slice(2, 8)) && label !== 'passport') continue;
    const distance = keywords.distance('passport', start, end, CONTEXT_WINDOW);
    if (distance === Infinity || labels.vetoes(label, start, end, 'passport')) continue;
    out.push({
      type: 'nl-passport',
      confidence: 85,
      start,
      end,
      masked: maskPassport(m[0]),
      evidence: distance,
    });
  }
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
  if (enabled('iban')) detectIbans(text, candidates, ibanSpans);
  if (enabled('nl-bsn') || enabled('us-ssn') || enabled('payment-card'))
    detectNumbers(text, keywords, labels, enabled, candidates, ibanSpans);
  if (enabled('nl-passport') && keywords.has('passport')) detectPassports(text, keywords, labels, candidates);
  if (enabled('health') && (keywords.has('medical') || keywords.has('diagnostic')))
    detectIcd10(text, keywords, labels, candidates);
  return resolveOverlaps(candidates);
}
