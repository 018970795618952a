/**
 * The built-in detectors. Input is normalised text (see normalize.ts). Each candidate must pass its
 * checksum or structure; context decides the confidence, and a look-alike label right before a number
 * (order, invoice, phone, tracking, KvK...) rules it out. Every pass is linear in the text.
 */
import type { DetectorType } from '../policy';
import type { Confidence } from './confidence';
import { bsnElfproef, ibanLength, isValidCard, isValidIban, ssnPartsValid } from './checksums';
import { KeywordIndex, type KeywordCategory } from './keywords';
import { maskBsn, maskCard, maskIban, maskIcd, maskPassport, maskSsn } from './mask';

export interface DetectedFinding {
  type: DetectorType;
  confidence: Confidence;
  start: number;
  end: number;
  masked: string;
}

interface Candidate extends DetectedFinding {
  /** Distance to the keyword that supports it (Infinity without one); the nearer wins a tie. */
  evidence: number;
}

/** Keywords count within this many characters, as in Microsoft Purview. */
export const CONTEXT_WINDOW = 300;
/** A look-alike label this close before a number names it ("Ordernummer: 123456782"). */
const LABEL_WINDOW = 40;
/** Gift, transit and loyalty card words this close rule out a card number. */
const NOT_CARD_WINDOW = 80;
/** An expiry date (MM/YY) this close makes a card number high confidence. */
const EXPIRY_WINDOW = 100;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
  );
}

function isAlnum(c: number): boolean {
  return isDigit(c) || isLetter(c);
}

/** Separators that may join the digit groups of one number. */
function joinSeparator(c: number): string {
  return c === 32 ? ' ' : c === 46 ? '.' : c === 45 ? '-' : '';
}

/**
 * Where the run of space-separated digit groups ending at `start` begins, looking back at most 12
 * characters (a country code or area code), so that long runs of groups cost nothing extra.
 */
function runStart(text: string, start: number): number {
  let first = start;
  while (
    first >= 2 &&
    start - first < 12 &&
    text.charCodeAt(first - 1) === 32 &&
    isDigit(text.charCodeAt(first - 2))
  ) {
    first -= 2;
    while (first > 0 && start - first < 12 && isDigit(text.charCodeAt(first - 1))) first--;
  }
  return first;
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
    if ((spans[2 * mid + 1] ?? 0) <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length / 2 && (spans[2 * lo] ?? 0) < end;
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

const BSN_SHAPES = new Set(['3-3-3', '4-2-3', '3-2-4', '2-2-2-3']);

/** 4-4-4-4 and longer runs of fours (the last group may be shorter), Amex 4-6-5, Diners 4-6-4. */
function cardShape(groups: readonly number[]): boolean {
  if (groups.length === 3) return groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4);
  if (groups.length < 4) return false;
  for (let k = 0; k < groups.length - 1; k++) if (groups[k] !== 4) return false;
  const last = groups[groups.length - 1] ?? 0;
  return last >= 1 && last <= 4;
}

/** Dutch compounds that name a number: "afspraaknummer", "klantnr", "boekingsreferentie", "kortingscode". */
const NAMING_COMPOUND = /^[a-z\u00e0-\u00ff]{2,}(?:nummer|nr|referentie|kenmerk|code)s?$/;
/** English nouns that, after another word, name a number: "account number", "employee ID". */
const NAMING_NOUN = new Set(['number', 'no', 'nr', 'id', 'code', 'ref', 'nummer']);
/** Words that can precede a naming noun without naming anything: "your number", "met nummer". */
const DETERMINERS = new Set(
  (
    'the|a|an|your|my|this|that|his|her|our|their|its|de|het|een|mijn|uw|jouw|je|zijn|haar|ons|onze|hun|' +
    'new|nieuwe|with|met|under|onder|als|as|by|door|is|was'
  ).split('|'),
);

const LABEL_PUNCTUATION = ' \t\n\r:#.()=-';
const COPULAS = new Set('is|was|luidt|wordt|are|were|reads'.split('|'));

interface Word {
  text: string;
  start: number;
  end: number;
}

/** The word ending before `position`, skipping up to 4 characters of space and label punctuation. */
function previousWord(text: string, position: number): Word | null {
  let p = position - 1;
  while (p >= 0 && position - p <= 5 && LABEL_PUNCTUATION.includes(text.charAt(p))) p--;
  const end = p + 1;
  while (p >= 0 && end - p <= 30 && isLetter(text.charCodeAt(p))) p--;
  return end - p > 1 ? { text: text.slice(p + 1, end).toLowerCase(), start: p + 1, end } : null;
}

/**
 * What the text says a number at `start` is: the category of the keyword right before it (no other number
 * in between), unless the word right before it names something else ("Afspraaknummer:", "account number",
 * "participant code"), which makes it a look-alike.
 */
function labelFor(text: string, keywords: KeywordIndex, number: number): KeywordCategory | null {
  // A label names the whole space-separated number ("telefoonnummer 06 12345678").
  const start = runStart(text, number);
  let hit = keywords.labelBefore(start, LABEL_WINDOW);
  if (hit) {
    // The label must be in the same sentence, or alone on the line above: no other number in between.
    const filler = text.slice(hit.end, start);
    if (/[0-9]|[.!?]\s+\S/.test(filler) || (/\n/.test(filler) && !/^[\s:#.()=-]*$/.test(filler))) hit = null;
  }
  let word = previousWord(text, start);
  // "Je personeelsnummer is 123...": the label is the word before the verb.
  if (word && COPULAS.has(word.text)) word = previousWord(text, word.start);
  if (!word || (hit && hit.end >= word.end)) return hit ? hit.category : null;
  if (NAMING_COMPOUND.test(word.text)) return 'lookalike';
  if (NAMING_NOUN.has(word.text)) {
    const before = previousWord(text, word.start);
    if (before && hit && hit.end >= before.end) return hit.category;
    if (before && !DETERMINERS.has(before.text)) return 'lookalike';
  }
  return hit ? hit.category : null;
}

const EXPIRY = /(?:^|[^0-9/.-])((?:0[1-9]|1[0-2]) ?\/ ?(?:20)?[0-9]{2})(?![0-9/-]|\.[0-9])/g;

class NumberDetector {
  private expiries: number[] | null = null;

  private readonly bsn: boolean;
  private readonly ssn: boolean;
  private readonly card: boolean;

  constructor(
    private readonly text: string,
    private readonly keywords: KeywordIndex,
    enabled: (type: DetectorType) => boolean,
    private readonly out: Candidate[],
    private readonly ibanSpans: readonly number[],
  ) {
    this.bsn = enabled('nl-bsn') && keywords.has('bsn');
    this.ssn = enabled('us-ssn');
    this.card = enabled('payment-card');
  }

  private vetoed(start: number): boolean {
    return labelFor(this.text, this.keywords, start) === 'lookalike';
  }

  private near(category: KeywordCategory, start: number, end: number): number {
    return this.keywords.distance(category, start, end, CONTEXT_WINDOW);
  }

  private expiryNear(start: number, end: number): boolean {
    if (this.expiries === null) {
      const found: number[] = [];
      EXPIRY.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = EXPIRY.exec(this.text)) !== null) found.push(m.index + m[0].length - (m[1] ?? '').length);
      this.expiries = found;
    }
    const at = this.expiries;
    // First expiry at or after start - window; then look at the few around the candidate.
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((at[mid] ?? 0) < start - EXPIRY_WINDOW) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < at.length; k++) {
      const position = at[k] ?? 0;
      if (position > end + EXPIRY_WINDOW) break;
      if (position < start || position >= end) return true;
    }
    return false;
  }

  /** A candidate of `length` digits in `groups` joined by `sep` ('' for one group). */
  evaluate(start: number, end: number, length: number, groups: readonly number[], sep: string): void {
    // Only BSN (8-9 digits), SSN (9) and cards (13-19) exist, each in a few groupings; most digit runs are
    // none of them and cost nothing more.
    const shape = sep !== '' && length === 9 ? groups.join('-') : '';
    const bsn = this.bsn && (sep === '' ? length === 9 || length === 8 : BSN_SHAPES.has(shape));
    // Unformatted, an SSN needs its keyword somewhere in the text.
    const ssn = this.ssn && length === 9 && (shape === '3-2-4' || (sep === '' && this.keywords.has('ssn')));
    const first = this.text.charCodeAt(start);
    const card =
      this.card &&
      length >= 13 &&
      length <= 19 &&
      first >= 50 && // card numbers in the known ranges start with 2-6
      first <= 54 &&
      (sep === '' || ((sep === ' ' || sep === '-') && cardShape(groups))) &&
      luhnSpan(this.text, start, end);
    if (!bsn && !ssn && !card) return;
    const text = this.text;
    if (!standsAlone(text, start, end) || overlaps(this.ibanSpans, start, end)) return;
    const digits = sep === '' ? text.slice(start, end) : text.slice(start, end).split(sep).join('');

    if (bsn) {
      const nine = length === 8 ? `0${digits}` : digits;
      if (bsnElfproef(nine)) {
        const distance = this.near('bsn', start, end);
        if (distance !== Infinity && !this.vetoed(start))
          this.out.push({
            type: 'nl-bsn',
            confidence: 85,
            start,
            end,
            masked: maskBsn(nine),
            evidence: distance,
          });
      }
    }

    if (ssn) {
      const formatted = shape === '3-2-4';
      if (ssnPartsValid(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) {
        const distance = this.keywords.has('ssn') ? this.near('ssn', start, end) : Infinity;
        // Formatted with a keyword: high. Dash-formatted alone, or unformatted with a keyword: low.
        const confidence: Confidence | null =
          distance !== Infinity ? (formatted ? 85 : 65) : formatted && sep === '-' ? 65 : null;
        if (confidence !== null && !this.vetoed(start))
          this.out.push({
            type: 'us-ssn',
            confidence,
            start,
            end,
            masked: maskSsn(digits),
            evidence: distance,
          });
      }
    }

    if (
      card &&
      isValidCard(digits) &&
      !this.vetoed(start) &&
      this.keywords.distance('notcard', start, end, NOT_CARD_WINDOW) === Infinity
    ) {
      const distance = this.near('card', start, end);
      const high = distance !== Infinity || this.expiryNear(start, end);
      this.out.push({
        type: 'payment-card',
        confidence: high ? 85 : 75,
        start,
        end,
        masked: maskCard(digits),
        evidence: distance,
      });
    }
  }

  /**
   * Candidates are every digit run standing alone, and runs of groups joined by one separator (space, dot
   * or dash, the same throughout): "1234.56.782", "4111 1111 1111 1111", "123-45-6789". Dot and dash runs
   * must be whole (a date or phone number is not cut into a BSN); a run of at most 5 groups and 19 digits
   * keeps the work per group constant, however many separators the text holds.
   */
  run(): void {
    const text = this.text;
    const starts: number[] = [];
    const ends: number[] = [];
    // A plain loop: no allocation per group, which matters for "1 1 1 ..." (half a million groups a MB).
    for (let i = 0; i < text.length; i++) {
      if (!isDigit(text.charCodeAt(i))) continue;
      starts.push(i);
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      ends.push(i);
    }
    const count = starts.length;
    const joins: string[] = new Array<string>(count);
    for (let g = 0; g < count; g++) {
      const e = ends[g] ?? 0;
      joins[g] = g + 1 < count && (starts[g + 1] ?? 0) === e + 1 ? joinSeparator(text.charCodeAt(e)) : '';
    }
    for (let g = 0; g < count; g++) {
      const s = starts[g] ?? 0;
      const e = ends[g] ?? 0;
      const len = e - s;
      const before = g > 0 ? (joins[g - 1] ?? '') : '';
      const after = joins[g] ?? '';
      if (len >= 8 && len <= 19 && before !== '.' && before !== '-' && after !== '.' && after !== '-')
        this.evaluate(s, e, len, [len], '');
      if (after === '' || len < 2 || len > 4 || (after !== ' ' && before === after)) continue;
      const groups = [len];
      let total = len;
      for (let h = g + 1; h < count && groups.length < 5; h++) {
        const glen = (ends[h] ?? 0) - (starts[h] ?? 0);
        total += glen;
        if (total > 19 || glen > 6) break;
        groups.push(glen);
        const whole = joins[h] !== after;
        if (total >= 9 && (after === ' ' || whole)) {
          this.evaluate(s, ends[h] ?? 0, total, groups, after);
        }
        if (joins[h] !== after || glen < 2) break;
      }
    }
  }
}

const PASSPORT = /[A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9]/g;

function detectPassports(text: string, keywords: KeywordIndex, out: Candidate[]): void {
  PASSPORT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PASSPORT.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (isAlnum(text.charCodeAt(start - 1)) || isAlnum(text.charCodeAt(end))) {
      PASSPORT.lastIndex = start + 1;
      continue;
    }
    // A word with a digit on the end ("SUMMERSALE1") is not a document number: the serial holds a digit.
    if (!/[0-9]/.test(m[0].slice(2, 8))) continue;
    const distance = keywords.distance('passport', start, end, CONTEXT_WINDOW);
    if (distance === Infinity || labelFor(text, keywords, start) === 'lookalike') continue;
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

const ICD10 = /[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?/g;
/** Words that, right before a code, make it a road, route or version rather than a diagnosis. */
const ICD_FUNCTION_WORDS = new Set(
  'de|het|the|via|op|naar|over|on|to|take|snelweg|rijksweg|afrit|highway|motorway'.split('|'),
);
/** Things with numbered places or models: one or two words before a code ("balie B12", "seat is C14"). */
const ICD_NOUNS = new Set(
  (
    'route|weg|room|kamer|lokaal|zaal|gate|seat|stoel|rij|row|vak|tafel|table|bus|lijn|line|flight|vlucht|' +
    'formulier|form|model|type|versie|version|artikel|article|sectie|section|hoofdstuk|chapter|pagina|page|' +
    'bijlage|appendix|vitamine|vitamin|formaat|format|size|maat|kenteken|klasse|class|level|niveau|blok|' +
    'block|unit|toren|tower|gebouw|building|verdieping|floor|parkeerplaats|parking|locatie|location|stand|' +
    'hal|hall|cel|cell|kolom|column|veld|field|spoor|track|perron|platform|balie|desk|counter|afdeling|' +
    'department|ward|bed|wachtkamer|receptie|reception|vleugel|wing|zone|gang|corridor|build|release'
  ).split('|'),
);
const ICD_AFTER = new Set(
  'richting|direction|afrit|exit|km|north|south|noord|zuid|oost|west|northbound|southbound|ter|bij'.split(
    '|',
  ),
);
/** After a diagnosis code in a list or sentence: punctuation, the end, or a conjunction. */
const LIST_CONJUNCTIONS = new Set('en|and|of|or|met|with|plus'.split('|'));

function wordAfter(text: string, position: number): string {
  let p = position;
  while (p < text.length && p - position < 3 && text.charCodeAt(p) === 32) p++;
  const start = p;
  while (p < text.length && p - start < 20 && isLetter(text.charCodeAt(p))) p++;
  return text.slice(start, p).toLowerCase();
}

/** Whether a bare code ends a phrase or list item, as a diagnosis does ("I10, E78.5", "J45 (asthma)"). */
function endsPhrase(text: string, end: number): boolean {
  let p = end;
  while (p < text.length && text.charCodeAt(p) === 32) p++;
  if (p >= text.length || /[,;.:()/\n\r\t]/.test(text.charAt(p))) return true;
  return LIST_CONJUNCTIONS.has(wordAfter(text, end));
}

function detectIcd10(text: string, keywords: KeywordIndex, out: Candidate[]): void {
  ICD10.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ICD10.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    const b1 = text.charCodeAt(start - 1);
    const a1 = text.charCodeAt(end);
    if (isAlnum(b1) || isAlnum(a1)) {
      ICD10.lastIndex = start + 1;
      continue;
    }
    if ((b1 === 45 || b1 === 46 || b1 === 47) && isAlnum(text.charCodeAt(start - 2))) continue;
    if ((a1 === 45 || a1 === 46 || a1 === 47) && isAlnum(text.charCodeAt(end + 1))) continue;
    const before = previousWord(text, start);
    const twoBefore = before ? previousWord(text, before.start) : null;
    if (
      (before && (ICD_FUNCTION_WORDS.has(before.text) || ICD_NOUNS.has(before.text))) ||
      (twoBefore && ICD_NOUNS.has(twoBefore.text)) ||
      ICD_AFTER.has(wordAfter(text, end))
    )
      continue;
    // A word naming a diagnosis supports any code; general medical words support a code with a
    // subdivision (E11.9), or a bare one (I10) that stands as a list item rather than a name ("G20 summit").
    let distance = keywords.distance('diagnostic', start, end, CONTEXT_WINDOW);
    if (distance === Infinity && (m[0].includes('.') || endsPhrase(text, end)))
      distance = keywords.distance('medical', start, end, CONTEXT_WINDOW);
    if (distance === Infinity) continue;
    out.push({ type: 'health', confidence: 85, start, end, masked: maskIcd(m[0]), evidence: distance });
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
  const keywords = new KeywordIndex(text);
  const candidates: Candidate[] = [];
  const ibanSpans: number[] = [];
  if (enabled('iban')) detectIbans(text, candidates, ibanSpans);
  if (enabled('nl-bsn') || enabled('us-ssn') || enabled('payment-card'))
    new NumberDetector(text, keywords, enabled, candidates, ibanSpans).run();
  if (enabled('nl-passport') && keywords.has('passport')) detectPassports(text, keywords, candidates);
  if (enabled('health') && (keywords.has('medical') || keywords.has('diagnostic')))
    detectIcd10(text, keywords, candidates);
  return resolveOverlaps(candidates);
}
