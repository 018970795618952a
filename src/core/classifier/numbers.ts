/**
 * BSN, US SSN and payment card numbers: every digit run standing alone, and runs of digit groups, checked
 * for their checksum, shape and context (keywords.ts, labels.ts, card-ranges.ts).
 */
import type { DetectorType } from '../policy';
import { cardNeedsKeyword, isValidCard } from './card-ranges';
import { bsnElfproef, ibanLength, isSampleSsn, ssnPartsValid } from './checksums';
import type { Confidence } from './confidence';
import { CONTEXT_WINDOW, lowerBound, type KeywordCategory, type KeywordIndex } from './keywords';
import { isAlnum, isDigit, isLetter, runStart, type Labels } from './labels';
import { maskBsn, maskCard, maskSsn } from './mask';

export interface Candidate {
  type: DetectorType;
  confidence: Confidence;
  start: number;
  end: number;
  masked: string;
  /** Distance to the keyword that supports it (Infinity without one); the nearer wins a tie. */
  evidence: number;
}

/** Gift, transit, loyalty and membership card words this close rule out a card number. */
const NOT_CARD_WINDOW = 80;
/** An expiry date (MM/YY) this close makes a card number high confidence. */
const EXPIRY_WINDOW = 100;

/** Separators that may join the digit groups of one number. */
function joinSeparator(c: number): string {
  return c === 32 ? ' ' : c === 46 ? '.' : c === 45 ? '-' : '';
}

/**
 * Whether [start, end) stands alone as a number: not glued to letters, not part of a date, time, amount,
 * URL, phone number (+31...) or longer code.
 */
const FILE_EXTENSION = /^[A-Za-z]{2,4}(?![0-9A-Za-z])/;

function standsAlone(text: string, start: number, end: number): boolean {
  const b1 = text.charCodeAt(start - 1);
  const b2 = text.charCodeAt(start - 2);
  if (isAlnum(b1)) return false;
  // + phone, @ address, = & / # URLs and identifiers ("_" separates words in file names, so it may stay)
  if (b1 === 43 || b1 === 64 || b1 === 61 || b1 === 38 || b1 === 47 || b1 === 35) return false;
  // "A-123", "1.123", "1,123": part of a longer token
  if ((b1 === 45 || b1 === 46 || b1 === 44) && isAlnum(b2)) return false;
  if (b1 === 58 && isDigit(b2)) return false;
  // Currency just before: an amount.
  for (let k = start - 1; k >= Math.max(0, start - 3); k--) {
    const c = text.charCodeAt(k);
    if (c === 0x20ac || c === 36 || c === 0xa3) return false;
    if (c !== 32) break;
  }
  // A space-separated run after "+" is a phone number: "+31 6 12345678".
  if (text.charCodeAt(runStart(text, start) - 1) === 43) return false;
  const a1 = text.charCodeAt(end);
  const a2 = text.charCodeAt(end + 1);
  if (isLetter(a1)) return false;
  // "@", "/" joining more; "%" a percentage; "#" a PIN or code entry ("123 456 789#")
  if ((a1 === 64 || a1 === 47) && isAlnum(a2)) return false;
  if (a1 === 37 || a1 === 35) return false;
  // "123.B01", "123-01", "1,50", "12:30" continue the token; a file extension ("123456782.pdf") does not.
  if ((a1 === 46 || a1 === 45 || a1 === 44 || a1 === 58) && isAlnum(a2))
    return a1 === 46 && FILE_EXTENSION.test(text.slice(end + 1, end + 6));
  return true;
}

/** Spans already claimed by IBANs, sorted; numbers inside them are not looked at again. */
function overlaps(spans: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((spans[2 * mid + 1] || 0) <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length / 2 && (spans[2 * lo] || 0) < end;
}

/**
 * Whether the digits at `start` continue an IBAN-shaped string: a country code and two digits ("DE89",
 * "NL 91"), then groups of four. A card or BSN is never read out of one, valid IBAN or not.
 */
function inIbanShape(text: string, start: number): boolean {
  let p = start;
  for (let k = 0; k < 8 && text.charCodeAt(p - 1) === 32; k++) {
    const end = p - 1;
    p = end;
    while (p > 0 && end - p < 5 && isAlnum(text.charCodeAt(p - 1))) p--;
    const token = text.slice(p, end);
    const country = /^[A-Za-z]{2}[0-9]{2}$/.test(token)
      ? token.slice(0, 2)
      : /^[0-9]{2}$/.test(token)
        ? text.slice(p - 3, p - 1)
        : '';
    if (country) return /^[A-Za-z]{2}$/.test(country) && ibanLength(country.toUpperCase()) !== undefined;
    if (token.length !== 4) return false;
  }
  return false;
}

/** Luhn over the digits of a span, skipping separators, before any string is built. */
function luhnSpan(text: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    let d = c - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Group sizes written as one number's digits: 3-2-4 is 324. The groupings a BSN is written in. */
const BSN_SHAPES = [333, 423, 324, 2223];
/** A formatted SSN: 123-45-6789. */
const SSN_SHAPE = 324;

/** 4-4-4-4 and longer runs of fours (the last group may be shorter), Amex and UATP 4-6-5, Diners 4-6-4. */
function cardShape(groups: readonly number[]): boolean {
  if (groups.length === 3) return groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4);
  if (groups.length < 4) return false;
  for (let k = 0; k < groups.length - 1; k++) if (groups[k] !== 4) return false;
  const last = groups[groups.length - 1] || 0;
  return last >= 1 && last <= 4;
}

const DIGIT = /[0-9]/g;
const EXPIRY = /(?:^|[^0-9/.-])((?:0[1-9]|1[0-2]) ?\/ ?(?:20)?[0-9]{2})(?![0-9/-]|\.[0-9])/g;

/**
 * Candidates are every digit run standing alone, and runs of groups joined by one separator (space, dot
 * or dash, the same throughout): "1234.56.782", "4111 1111 1111 1111", "123-45-6789". Dot and dash runs
 * must be whole (a date or phone number is not cut into a BSN); a run of at most 5 groups and 19 digits
 * keeps the work per group constant, however many separators the text holds.
 */
export function detectNumbers(
  text: string,
  keywords: KeywordIndex,
  labels: Labels,
  enabled: (type: DetectorType) => boolean,
  out: Candidate[],
  ibanSpans: readonly number[],
  /** Called with each run of digits (its start and length) before any number in it is read. */
  atRun: (start: number, length: number) => void,
): void {
  const findBsn = enabled('nl-bsn') && keywords.has('bsn');
  const findSsn = enabled('us-ssn');
  const findCard = enabled('payment-card');
  const findAny = findBsn || findSsn || findCard;
  const anyCardKeyword = keywords.has('card');
  let expiries: number[] | null = null;
  /** The label of the candidate being evaluated, looked up once for all its types. */
  let label: KeywordCategory | null | undefined;

  const near = (category: KeywordCategory, start: number, end: number): number =>
    keywords.distance(category, start, end, CONTEXT_WINDOW);

  /** Whether an expiry date (MM/YY) outside [start, end) stands within [from, to]. */
  function expiryIn(start: number, end: number, from: number, to: number): boolean {
    if (expiries === null) {
      expiries = [];
      EXPIRY.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = EXPIRY.exec(text)) !== null) expiries.push(m.index + m[0].length - (m[1] || '').length);
    }
    const at = expiries;
    for (let k = lowerBound(at, from); k < at.length; k++) {
      const position = at[k] || 0;
      if (position > to) break;
      if (position < start || position >= end) return true;
    }
    return false;
  }

  /** Whether the number's label rules it out; for a card an expiry date answers a generic label too. */
  function vetoed(start: number, end: number, type: 'bsn' | 'ssn' | 'card'): boolean {
    if (label === undefined) label = labels.of(start);
    return labels.vetoes(
      label,
      start,
      end,
      type,
      type === 'card' ? (from, to) => expiryIn(start, end, from, to) : undefined,
    );
  }

  /**
   * Gift, transit, loyalty and membership cards nearby rule a card out: in the number's own sentence
   * always, in the one before unless the number's sentence has a card keyword ("Club membership" as the
   * subject, "Diners Club card 3610..." in the body).
   */
  function notCard(start: number, end: number): boolean {
    if (keywords.distance('notcard', start, end, NOT_CARD_WINDOW) === Infinity) return false;
    const [from, to] = labels.sentence(start, end);
    return keywords.inRange('notcard', from, to) || !keywords.inRange('card', from, to);
  }

  function add(
    type: DetectorType,
    confidence: Confidence,
    start: number,
    end: number,
    masked: string,
    evidence: number,
  ): void {
    out.push({ type, confidence, start, end, masked, evidence });
  }

  /** A candidate of `length` digits in `groups` joined by `sep` ('' for one group). */
  function evaluate(
    start: number,
    end: number,
    length: number,
    groups: readonly number[],
    sep: string,
  ): void {
    // Only BSN (8-9 digits), SSN (9) and cards (13-19) exist, each in a few groupings; most digit runs are
    // none of them and cost nothing more.
    let shape = 0;
    if (sep !== '' && length === 9) for (const size of groups) shape = shape * 10 + size;
    const bsn = findBsn && (sep === '' ? length === 9 || length === 8 : BSN_SHAPES.indexOf(shape) >= 0);
    // Unformatted, an SSN needs its keyword somewhere in the text.
    const ssn = findSsn && length === 9 && (shape === SSN_SHAPE || (sep === '' && keywords.has('ssn')));
    const first = text.charCodeAt(start);
    const card =
      findCard &&
      // 2-6 start most card numbers; others need a card keyword (card-ranges.ts).
      ((first >= 50 && first <= 54) || anyCardKeyword) &&
      length >= 13 &&
      length <= 19 &&
      (sep === '' || ((sep === ' ' || sep === '-') && cardShape(groups))) &&
      luhnSpan(text, start, end);
    if (!bsn && !ssn && !card) return;
    const digits = sep === '' ? text.slice(start, end) : text.slice(start, end).split(sep).join('');
    const nine = length === 8 ? `0${digits}` : digits;
    // The checksums first: they rule out most runs, and cost less than reading the text around one.
    const isBsn = bsn && bsnElfproef(nine);
    const isSsn =
      ssn && ssnPartsValid(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)) && !isSampleSsn(digits);
    const isCard = card && isValidCard(digits);
    if (!isBsn && !isSsn && !isCard) return;
    if (!standsAlone(text, start, end) || overlaps(ibanSpans, start, end) || inIbanShape(text, start)) return;
    label = undefined;

    if (isBsn) {
      const distance = near('bsn', start, end);
      if (distance !== Infinity && !vetoed(start, end, 'bsn'))
        add('nl-bsn', 85, start, end, maskBsn(nine), distance);
    }

    if (isSsn) {
      const formatted = shape === SSN_SHAPE;
      const distance = near('ssn', start, end);
      // As Purview: formatted with a keyword high, unformatted with one medium, dash-formatted alone low.
      const confidence: Confidence | null =
        distance !== Infinity ? (formatted ? 85 : 75) : formatted && sep === '-' ? 65 : null;
      if (confidence !== null && !vetoed(start, end, 'ssn'))
        add('us-ssn', confidence, start, end, maskSsn(digits), distance);
    }

    if (isCard && !vetoed(start, end, 'card') && !notCard(start, end)) {
      // A card keyword or an expiry date makes it high; some numbers are a card only with one of them.
      const distance = near('card', start, end);
      const high = distance !== Infinity || expiryIn(start, end, start - EXPIRY_WINDOW, end + EXPIRY_WINDOW);
      if (high || !cardNeedsKeyword(digits))
        add('payment-card', high ? 85 : 75, start, end, maskCard(digits), distance);
    }
  }

  const runEnd = (p: number): number => {
    while (isDigit(text.charCodeAt(p))) p++;
    return p;
  };
  /** The separator after the run ending at `e`, when another run follows it at once. */
  const joinAt = (e: number): string =>
    isDigit(text.charCodeAt(e + 1)) ? joinSeparator(text.charCodeAt(e)) : '';
  // Streamed, no arrays of runs: the engine finds each run's first digit (most text has few), a loop its
  // end, and the neighbours are read from the text. "1 1 1 ..." has half a million groups a MB.
  // Each run starts a chain of groups; one that starts inside a dot or dash number is refused by standsAlone.
  DIGIT.lastIndex = 0;
  while (DIGIT.test(text)) {
    const s = DIGIT.lastIndex - 1;
    const e = (DIGIT.lastIndex = runEnd(s));
    const len = e - s;
    atRun(s, len);
    if (!findAny) continue;
    const after = joinAt(e);
    if (len >= 8 && len <= 19 && after !== '.' && after !== '-') evaluate(s, e, len, [len], '');
    if (after === '' || len < 2 || len > 4) continue;
    const groups = [len];
    let total = len;
    // A separator follows, so another run does: at most five groups, each read once more.
    for (let h = e; groups.length < 5;) {
      const hs = h + 1;
      h = runEnd(hs);
      const glen = h - hs;
      total += glen;
      if (total > 19 || glen > 6) break;
      groups.push(glen);
      const next = joinAt(h);
      if (total >= 9 && (after === ' ' || next !== after)) evaluate(s, h, total, groups, after);
      if (next !== after || glen < 2) break;
    }
  }
}
