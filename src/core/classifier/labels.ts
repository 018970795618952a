/**
 * What the text says a value is: the label right before it (a keyword, a "…nummer" compound, "account
 * number"), or for a value in a table cell the column's header; and the sentence around it. Every lookup
 * is bounded or memoised, so the detectors stay linear in the text.
 */
import { CONTEXT_WINDOW as REACH, type KeywordCategory, type KeywordIndex } from './keywords';
import { isAsciiLetter } from './normalize';

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isLetter(c: number): boolean {
  return isAsciiLetter(c) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

export function isAlnum(c: number): boolean {
  return isDigit(c) || isLetter(c);
}

/**
 * Where the run of space-separated digit groups ending at `start` begins, looking back at most 12
 * characters (a country code or area code), so that long runs of groups cost nothing extra.
 */
export function runStart(text: string, start: number): number {
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

/** A look-alike label this close before a number names it ("Ordernummer: 123456782"). */
const LABEL_WINDOW = 40;

/** Dutch compounds that name a number: "afspraaknummer", "klantnr", "boekingsreferentie", "kortingscode". */
const NAMING_COMPOUND = /^[a-z\xe0-\xff]{2,}(?:nummer|nr|referentie|kenmerk|code|regel)s?$/;
/**
 * Nouns that, after another word, name a number: "account number", "employee ID", "budget line". Dutch writes
 * these as compounds, so a plain "nummer" names nothing ("heeft nummer ...").
 */
const NAMING_NOUN = new Set(['number', 'no', 'nr', 'id', 'code', 'ref', 'line']);
/** Words that can precede a naming noun without naming anything: "your number", "has number". */
const NOT_NAMING = new Set(
  (
    'the|a|an|your|my|this|that|his|her|our|their|its|de|het|een|mijn|uw|jouw|je|zijn|haar|ons|onze|hun|' +
    'new|nieuwe|with|met|under|onder|als|as|by|door|is|was|has|have|had|heeft|bears'
  ).split('|'),
);

/** Space and the punctuation between a label and its value. */
const LABEL_PUNCTUATION = ' \t\n\r:#.()=-';
const isLabelPunctuation = (text: string, p: number): boolean => LABEL_PUNCTUATION.includes(text.charAt(p));
/** A sentence ends at ". ", "! " or "? " before a capital or a line break. */
const SENTENCE_END = /^.[ \r]{1,3}[A-Z\xc0-\xde\n]/;
const COPULAS = new Set('is|was|luidt|wordt|are|were|reads'.split('|'));

export interface Word {
  text: string;
  start: number;
  end: number;
}

/** The word ending before `position`, skipping up to 4 characters of space and label punctuation. */
export function previousWord(text: string, position: number): Word | null {
  let p = position - 1;
  while (p >= 0 && position - p <= 5 && isLabelPunctuation(text, p)) p--;
  const end = p + 1;
  while (p >= 0 && end - p <= 30 && isLetter(text.charCodeAt(p))) p--;
  return end - p > 1 ? { text: text.slice(p + 1, end).toLowerCase(), start: p + 1, end } : null;
}

export interface Labels {
  /**
   * What the text says the value at `start` is: in a table cell, what the column header says; otherwise the
   * category of the keyword right before it (no other number in between), unless the word right before
   * it names something else ("Afspraaknummer:", "account number", "participant code"): `lookalike`.
   */
  of(start: number): KeywordCategory | null;
  /** The word that labels the value at `start`: the last word of its column header, or the word before it. */
  word(start: number): Word | null;
  /**
   * The sentence around [start, end), at most REACH characters each way. It ends at ". ", "! " or "? "
   * before a capital, and at a line break, except after a colon (a label on the line above) or before a
   * lower-case letter (a wrapped line).
   */
  sentence(start: number, end: number): [number, number];
  /**
   * Whether `label` rules out the value at [start, end) as `type`: a specific look-alike always does; a
   * generic one ("booking", "order", "reference") unless a keyword of the type stands in the same sentence,
   * or `alsoIn` finds other evidence there.
   */
  vetoes(
    label: KeywordCategory | null,
    start: number,
    end: number,
    type: KeywordCategory,
    alsoIn?: (from: number, to: number) => boolean,
  ): boolean;
}

// A closure rather than a class: the core ships in the add-in, and local names minify where members do not.
export function labelsOf(text: string, keywords: KeywordIndex): Labels {
  /** Line start -> the first line of its table block, per separator; filled as rows are looked up. */
  const tableHeads = new Map<string, number>();

  /** The label ending at `position`, made of text after `floor`. */
  function labelAt(position: number, floor: number): KeywordCategory | null {
    let hit = keywords.labelBefore(position, LABEL_WINDOW);
    if (hit && (hit.end <= floor || !fillerKeeps(hit.end, position))) hit = null;
    // The word right before ends where the label punctuation before `position` starts: when the label ends
    // there too, it is that word (or its verb's subject), and it decides.
    let wordEnd = position;
    while (wordEnd > 0 && position - wordEnd < 5 && isLabelPunctuation(text, wordEnd - 1)) wordEnd--;
    if (hit && hit.end >= wordEnd) return hit.category;
    let word = previousWord(text, position);
    // "Je personeelsnummer is 123...": the label is the word before the verb.
    if (word && COPULAS.has(word.text)) word = previousWord(text, word.start);
    if (word && word.start < floor) word = null;
    if (!word || (hit && hit.end >= word.end)) return hit ? hit.category : null;
    if (NAMING_COMPOUND.test(word.text)) return 'lookalike';
    if (NAMING_NOUN.has(word.text)) {
      const before = previousWord(text, word.start);
      // "card number" is a card's label; "booking number" names one kind of number.
      if (before && hit && hit.end >= before.end)
        return hit.category === 'generic' ? 'lookalike' : hit.category;
      if (before && before.start >= floor && !NOT_NAMING.has(before.text)) return 'lookalike';
    }
    return hit ? hit.category : null;
  }

  /**
   * Whether a label ending at `from` still names the value at `to`: the label must be in the same sentence,
   * or alone on the line above, with no other number in between. Spaces and ":#()=-" alone always keep.
   */
  function fillerKeeps(from: number, to: number): boolean {
    let p = from;
    while (p < to && ' \t\r:#()=-'.includes(text.charAt(p))) p++;
    if (p === to) return true;
    const filler = text.slice(from, to);
    return !/[0-9]|[.!?]\s+\S/.test(filler) && !(/\n/.test(filler) && !/^[\s:#.()=-]*$/.test(filler));
  }

  /**
   * Whether a sentence ends at `p`: ". ", "! " or "? " before a capital or a line break; a line break unless
   * a label ends the line (":") or the next line goes on in lower case (a wrapped line); a blank line always.
   */
  function endsAt(p: number): boolean {
    const c = text.charCodeAt(p);
    if (c !== 10) return (c === 46 || c === 33 || c === 63) && SENTENCE_END.test(text.slice(p, p + 5));
    const next = text.slice(p + 1, p + 5);
    return /^[ \r]*\n/.test(next) || !(/:[ \r]*$/.test(text.slice(p - 4, p)) || /^[ \r]*[a-z]/.test(next));
  }

  /**
   * After the last end before `start`, up to the first end at or after `end`; at most REACH each way. Read
   * around the value only: most mail has few values, so no index of the whole text.
   */
  function sentence(start: number, end: number): [number, number] {
    let from = start - 1;
    while (from >= 0 && from >= start - REACH && !endsAt(from)) from--;
    let to = end;
    while (to < text.length && to < end + REACH && !endsAt(to)) to++;
    return [Math.max(from + 1, start - REACH, 0), to];
  }

  /**
   * The first line of the block of lines holding `sep` that the line at `line` belongs to (memoised). Up to
   * two blank lines may sit between rows: HTML tables become rows with blank lines between them.
   */
  function tableHead(line: number, sep: string): number {
    const walked: string[] = [];
    let head = line;
    let cur = line;
    for (let blanks = 0; blanks < 3 && cur > 0;) {
      if (cur === head) {
        const known = tableHeads.get(`${sep}${head}`);
        if (known !== undefined) {
          head = known;
          break;
        }
        walked.push(`${sep}${head}`);
      }
      let prev = cur - 1;
      let has = false;
      let blank = true;
      while (prev > 0 && text.charCodeAt(prev - 1) !== 10 && cur - prev <= REACH) {
        const c = text.charAt(--prev);
        if (c === sep) has = true;
        else if (c > ' ') blank = false;
      }
      if (cur - prev > REACH || !(has || blank)) break;
      cur = prev;
      if (has) head = prev;
      blanks = has ? 0 : blanks + 1;
    }
    for (const key of walked) tableHeads.set(key, head);
    return head;
  }

  /**
   * The header cell [from, to) of the column whose cell starts at `position` (after spaces), in a block of
   * lines that hold tabs (HTML tables become those) or pipes; null outside a table, or in its first line.
   */
  function headerCell(position: number): [number, number] | null {
    let p = position;
    while (p > 0 && position - p < 3 && text.charCodeAt(p - 1) === 32) p--;
    let line = p;
    let column = 0;
    let sep = text.charAt(p - 1);
    if (sep === '\t' || sep === '|') {
      while (line > 0 && text.charCodeAt(line - 1) !== 10) {
        if (p - --line > REACH) return null;
        if (text.charAt(line) === sep) column++;
      }
    } else if (p === 0 || sep === '\n') {
      const row = text.slice(p, p + REACH).split('\n', 1)[0] || '';
      sep = row.includes('\t') ? '\t' : row.includes('|') ? '|' : '';
      if (!sep) return null;
    } else return null;
    const head = tableHead(line, sep);
    if (head === line) return null;
    let from = head;
    const limit = Math.min(text.length, head + REACH);
    for (let k = 0; k < column; k++) {
      while (from < limit && text.charAt(from) !== sep && text.charCodeAt(from) !== 10) from++;
      if (text.charAt(from++) !== sep) return null;
    }
    let to = from;
    while (to < limit && text.charAt(to) !== sep && text.charCodeAt(to) !== 10) to++;
    return to > from ? [from, to] : null;
  }

  return {
    of(start) {
      const cell = headerCell(start);
      return (cell && labelAt(cell[1], cell[0])) || labelAt(runStart(text, start), -1);
    },
    word(start) {
      const cell = headerCell(start);
      const word = cell ? previousWord(text, cell[1]) : null;
      return cell && word && word.start >= cell[0] ? word : previousWord(text, start);
    },
    sentence,
    vetoes(label, start, end, type, alsoIn) {
      if (label !== 'generic') return label === 'lookalike';
      const [from, to] = sentence(start, end);
      return !keywords.inRange(type, from, to) && !(alsoIn && alsoIn(from, to));
    },
  };
}
