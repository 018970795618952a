/**
 * The organisation's own rules. Keyword rules are matched on whole words, case-insensitively, by hashing the
 * text's word sequences (linear in the text, whatever the number of keywords). Regex rules run on the
 * native engine, so patterns are restricted to a subset without catastrophic backtracking
 * (validateRegexPattern), each is compiled once, and a rule is run over bounded windows under a time budget.
 */
import type { KeywordRule, RegexRule } from '../policy';

export const MAX_PATTERN_LENGTH = 256;
export const MAX_QUANTIFIERS = 20;
/** Regex matches are guaranteed up to this length; longer ones may be cut at a window edge. */
export const MAX_MATCH_LENGTH = 256;
/** Matches kept per rule and message. */
export const MAX_MATCHES_PER_RULE = 1000;
const WINDOW = 4096;

export type PatternProblem =
  | 'empty'
  | 'too-long'
  | 'invalid'
  | 'backreference'
  | 'lookaround'
  | 'nested-quantifier'
  | 'too-many-quantifiers'
  | 'ambiguous-quantifiers'
  | 'ambiguous-alternation'
  | 'matches-empty';

export type PatternValidation = { ok: true } | { ok: false; code: PatternProblem; message: string };

/** A set of characters: 128 ASCII bits plus "some non-ASCII characters". Enough to tell overlap. */
interface CharSet {
  bits: [number, number, number, number];
  other: boolean;
}

function emptySet(): CharSet {
  return { bits: [0, 0, 0, 0], other: false };
}

function addRange(set: CharSet, from: number, to: number): void {
  for (let c = from; c <= Math.min(to, 127); c++)
    set.bits[c >>> 5] = (set.bits[c >>> 5] ?? 0) | (1 << (c & 31));
  if (to > 127) set.other = true;
}

function rangeSet(...ranges: [number, number][]): CharSet {
  const set = emptySet();
  for (const [from, to] of ranges) addRange(set, from, to);
  return set;
}

function union(a: CharSet, b: CharSet): CharSet {
  return {
    bits: [a.bits[0] | b.bits[0], a.bits[1] | b.bits[1], a.bits[2] | b.bits[2], a.bits[3] | b.bits[3]],
    other: a.other || b.other,
  };
}

function complement(a: CharSet): CharSet {
  return { bits: [~a.bits[0], ~a.bits[1], ~a.bits[2], ~a.bits[3]], other: true };
}

function intersects(a: CharSet, b: CharSet): boolean {
  return (
    (a.bits[0] & b.bits[0]) !== 0 ||
    (a.bits[1] & b.bits[1]) !== 0 ||
    (a.bits[2] & b.bits[2]) !== 0 ||
    (a.bits[3] & b.bits[3]) !== 0 ||
    (a.other && b.other)
  );
}

function foldCase(a: CharSet): CharSet {
  const out = union(a, emptySet());
  for (let c = 65; c <= 90; c++) {
    const upper = ((a.bits[c >>> 5] ?? 0) & (1 << (c & 31))) !== 0;
    const lower = ((a.bits[(c + 32) >>> 5] ?? 0) & (1 << ((c + 32) & 31))) !== 0;
    if (upper || lower) {
      addRange(out, c, c);
      addRange(out, c + 32, c + 32);
    }
  }
  return out;
}

const DIGIT = rangeSet([48, 57]);
const WORD = rangeSet([48, 57], [65, 90], [95, 95], [97, 122]);
const SPACE = rangeSet([9, 13], [32, 32], [128, 0x10ffff]);
const ANY = rangeSet([0, 0x10ffff]);
const DOT = complement(rangeSet([10, 10], [13, 13]));

interface Item {
  kind: 'set' | 'group' | 'assert';
  set: CharSet;
  alternatives: Item[][];
  min: number;
  max: number;
}

class PatternError extends Error {
  constructor(
    readonly code: PatternProblem,
    message: string,
  ) {
    super(message);
  }
}

/** A parser for the JavaScript pattern syntax (u mode), only as deep as the safety checks need. */
class PatternParser {
  private pos = 0;
  quantifiers = 0;

  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
  ) {}

  parse(): Item[][] {
    const alternatives = this.alternation();
    if (this.pos < this.src.length) throw new PatternError('invalid', 'Unbalanced parenthesis.');
    return alternatives;
  }

  private peek(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  private alternation(): Item[][] {
    const alternatives: Item[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Item[] {
    const items: Item[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.item());
    return items;
  }

  private item(): Item {
    const before = this.quantifiers;
    const item = this.atom();
    const q = this.quantifier();
    if (q) {
      if (item.kind === 'assert')
        throw new PatternError('invalid', 'A quantifier needs something to repeat.');
      this.quantifiers++;
      if (this.quantifiers > MAX_QUANTIFIERS)
        throw new PatternError('too-many-quantifiers', `At most ${MAX_QUANTIFIERS} quantifiers are allowed.`);
      if (item.kind === 'group') {
        if (this.quantifiers - 1 > before)
          throw new PatternError(
            'nested-quantifier',
            'No repetition inside a repeated group, such as (a+)+.',
          );
        checkRepeatedAlternatives(item.alternatives);
      }
      item.min = q[0];
      item.max = q[1];
    }
    return item;
  }

  private quantifier(): [number, number] | null {
    const c = this.peek();
    let q: [number, number] | null = null;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    if (q) this.pos++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return null;
      this.pos += m[0].length;
      const min = Number(m[1]);
      q = [min, m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3])];
    }
    if (q && this.peek() === '?') this.pos++;
    return q;
  }

  private setItem(set: CharSet): Item {
    return { kind: 'set', set: this.ignoreCase ? foldCase(set) : set, alternatives: [], min: 1, max: 1 };
  }

  private atom(): Item {
    const c = this.peek();
    if (c === '(') {
      const head = this.src.slice(this.pos, this.pos + 4);
      if (
        head.startsWith('(?=') ||
        head.startsWith('(?!') ||
        head.startsWith('(?<=') ||
        head.startsWith('(?<!')
      )
        throw new PatternError('lookaround', 'Lookaround is not allowed.');
      if (head.startsWith('(?:')) this.pos += 3;
      else if (head.startsWith('(?<')) this.pos = this.src.indexOf('>', this.pos) + 1;
      else this.pos++;
      const alternatives = this.alternation();
      if (this.peek() !== ')') throw new PatternError('invalid', 'Unbalanced parenthesis.');
      this.pos++;
      let set = emptySet();
      for (const alt of alternatives) for (const item of alt) set = union(set, item.set);
      return { kind: 'group', set, alternatives, min: 1, max: 1 };
    }
    if (c === '[') return this.setItem(this.charClass());
    if (c === '.') {
      this.pos++;
      return this.setItem(DOT);
    }
    if (c === '^' || c === '$') {
      this.pos++;
      return { kind: 'assert', set: emptySet(), alternatives: [], min: 1, max: 1 };
    }
    if (c === '\\') {
      const e = this.peek(1);
      if (e === 'b' || e === 'B') {
        this.pos += 2;
        return { kind: 'assert', set: emptySet(), alternatives: [], min: 1, max: 1 };
      }
      if (/[1-9]/.test(e) || (e === 'k' && this.peek(2) === '<'))
        throw new PatternError('backreference', 'Backreferences are not allowed.');
      return this.setItem(this.escape(false));
    }
    const code = this.src.codePointAt(this.pos) ?? 0;
    this.pos += code > 0xffff ? 2 : 1;
    return this.setItem(rangeSet([code, code]));
  }

  /** An escape at this.pos (a backslash), as a set; inClass allows \b as backspace. */
  private escape(inClass: boolean): CharSet {
    const e = this.peek(1);
    this.pos += 2;
    switch (e) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'p':
      case 'P': {
        const close = this.src.indexOf('}', this.pos);
        this.pos = close < 0 ? this.src.length : close + 1;
        return ANY;
      }
      case 'n':
        return rangeSet([10, 10]);
      case 'r':
        return rangeSet([13, 13]);
      case 't':
        return rangeSet([9, 9]);
      case 'f':
        return rangeSet([12, 12]);
      case 'v':
        return rangeSet([11, 11]);
      case '0':
        return rangeSet([0, 0]);
      case 'b':
        return inClass ? rangeSet([8, 8]) : emptySet();
      case 'c': {
        const code = this.src.charCodeAt(this.pos) & 31 || 0;
        this.pos++;
        return rangeSet([code, code]);
      }
      case 'x': {
        const code = parseInt(this.src.slice(this.pos, this.pos + 2), 16);
        this.pos += 2;
        return rangeSet([code, code]);
      }
      case 'u': {
        if (this.peek() === '{') {
          const close = this.src.indexOf('}', this.pos);
          const code = parseInt(this.src.slice(this.pos + 1, close), 16);
          this.pos = close + 1;
          return rangeSet([code, code]);
        }
        const code = parseInt(this.src.slice(this.pos, this.pos + 4), 16);
        this.pos += 4;
        return rangeSet([code, code]);
      }
      default: {
        const code = e.codePointAt(0) ?? 0;
        return rangeSet([code, code]);
      }
    }
  }

  private classAtom(): { set: CharSet; code: number | null } {
    if (this.peek() === '\\') {
      const e = this.peek(1);
      const set = this.escape(true);
      const single = /[dDwWsSpP]/.test(e) ? null : firstCode(set);
      return { set, code: single };
    }
    const code = this.src.codePointAt(this.pos) ?? 0;
    this.pos += code > 0xffff ? 2 : 1;
    return { set: rangeSet([code, code]), code };
  }

  private charClass(): CharSet {
    this.pos++;
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    let set = emptySet();
    while (this.pos < this.src.length && this.peek() !== ']') {
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        const to = this.classAtom();
        if (from.code !== null && to.code !== null) {
          addRange(set, from.code, to.code);
          continue;
        }
        set = union(union(set, to.set), rangeSet([45, 45]));
      }
      set = union(set, from.set);
    }
    this.pos++;
    return negated ? complement(set) : set;
  }
}

function firstCode(set: CharSet): number | null {
  if (set.other) return 0x80;
  for (let c = 0; c < 128; c++) if (((set.bits[c >>> 5] ?? 0) & (1 << (c & 31))) !== 0) return c;
  return null;
}

/** Characters an alternative can begin with (no repetition inside, so a fixed walk). */
function firstSet(items: readonly Item[]): { set: CharSet; empty: boolean } {
  for (const item of items) {
    if (item.kind === 'assert') continue;
    if (item.kind === 'set') return { set: item.set, empty: false };
    let set = emptySet();
    let empty = false;
    for (const alt of item.alternatives) {
      const first = firstSet(alt);
      set = union(set, first.set);
      empty ||= first.empty;
    }
    if (!empty) return { set, empty: false };
    const rest = firstSet(items.slice(items.indexOf(item) + 1));
    return { set: union(set, rest.set), empty: rest.empty };
  }
  return { set: emptySet(), empty: true };
}

/** Under repetition, alternatives must start differently: (a|ab)* can take exponential time. */
function checkRepeatedAlternatives(alternatives: readonly Item[][]): void {
  const firsts = alternatives.map(firstSet);
  for (const first of firsts)
    if (first.empty) throw new PatternError('matches-empty', 'A repeated group must not match empty text.');
  for (let i = 0; i < firsts.length; i++)
    for (let j = i + 1; j < firsts.length; j++)
      if (intersects(firsts[i]?.set ?? emptySet(), firsts[j]?.set ?? emptySet()))
        throw new PatternError(
          'ambiguous-alternation',
          'Alternatives in a repeated group must start with different characters.',
        );
}

function isVariable(item: Item): boolean {
  if (item.kind === 'assert') return false;
  if (item.min !== item.max) return true;
  return item.kind === 'group' && item.alternatives.some((alt) => alt.some(isVariable));
}

function canBeEmpty(item: Item): boolean {
  if (item.kind === 'assert' || item.min === 0) return true;
  if (item.kind === 'set') return false;
  return item.alternatives.some((alt) => alt.every(canBeEmpty));
}

/** Unrepeated single-alternative groups are just their items. */
function flatten(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    const only = item.alternatives[0];
    if (item.kind === 'group' && item.min === 1 && item.max === 1 && item.alternatives.length === 1 && only)
      out.push(...flatten(only));
    else out.push(item);
  }
  return out;
}

/**
 * Two repetitions that can take the same characters, with nothing between them that the first cannot take,
 * make the engine try every way of splitting a run between them (\d+\d+x: quadratic per start position,
 * worse with more of them). Such a pair is refused.
 */
function checkSequence(items: readonly Item[]): void {
  let open: CharSet[] = [];
  for (const item of flatten(items)) {
    if (item.kind === 'assert') continue;
    if (item.kind === 'group' && item.min === 1 && item.max === 1)
      for (const alt of item.alternatives) checkSequence(alt);
    const variable = isVariable(item);
    if (variable && open.some((set) => intersects(set, item.set)))
      throw new PatternError(
        'ambiguous-quantifiers',
        'Two repetitions next to each other can match the same characters (such as \\d+\\d* or .*x.*).',
      );
    if (!canBeEmpty(item)) open = open.filter((set) => intersects(set, item.set));
    if (variable) open.push(item.set);
  }
}

/**
 * Whether an org pattern may run in the add-in: at most 256 characters, valid JavaScript with the u flag,
 * no backreferences or lookaround, no repetition inside repetition, at most 20 quantifiers, no two
 * repetitions that can share characters side by side, and it must not match the empty string. Pure, so the
 * server runs the same check (and adds RE2's own).
 */
export function validateRegexPattern(pattern: string, caseInsensitive = false): PatternValidation {
  if (pattern.length === 0) return { ok: false, code: 'empty', message: 'The pattern is empty.' };
  if (pattern.length > MAX_PATTERN_LENGTH)
    return {
      ok: false,
      code: 'too-long',
      message: `The pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}.`,
    };
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, caseInsensitive ? 'iu' : 'u');
  } catch (error) {
    return {
      ok: false,
      code: 'invalid',
      message: `Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    const parser = new PatternParser(pattern, caseInsensitive);
    for (const alternative of parser.parse()) checkSequence(alternative);
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
  if (compiled.test(''))
    return {
      ok: false,
      code: 'matches-empty',
      message: 'The pattern matches empty text.',
    };
  return { ok: true };
}

const compiledCache = new Map<string, RegExp | null>();

/** The rule's RegExp, compiled once per pattern and flags; null when the pattern is not allowed. */
export function compileRegexRule(rule: RegexRule): RegExp | null {
  const key = `${rule.caseInsensitive ? 'i' : '-'}${rule.pattern}`;
  const cached = compiledCache.get(key);
  if (cached !== undefined) return cached;
  const compiled = validateRegexPattern(rule.pattern, rule.caseInsensitive).ok
    ? new RegExp(rule.pattern, rule.caseInsensitive ? 'giu' : 'gu')
    : null;
  // A policy holds a bounded number of rules; the cap only stops unbounded growth across policies.
  if (compiledCache.size >= 1000) compiledCache.clear();
  compiledCache.set(key, compiled);
  return compiled;
}

export interface RegexRunOptions {
  /** Time allowed for one rule on one message, in milliseconds. */
  budgetMs: number;
  now: () => number;
}

export interface RuleMatches {
  /** Flat [start, end, start, end, ...]. */
  spans: number[];
  /** The rule ran out of time (or was not allowed to run) before covering the whole text. */
  truncated: boolean;
}

/**
 * Runs a compiled rule over windows of 4 KB that overlap by MAX_MATCH_LENGTH, checking the clock between
 * windows. A window keeps the worst case of an allowed pattern small (about quadratic in its size), so no
 * single call can hang the client; the budget stops a rule that is slow on this message.
 */
export function runRegex(text: string, re: RegExp, options: RegexRunOptions): RuleMatches {
  const spans: number[] = [];
  const started = options.now();
  const n = text.length;
  let lastEnd = 0;
  for (let ws = 0; ws < n; ws += WINDOW - MAX_MATCH_LENGTH) {
    const last = ws + WINDOW >= n;
    // One character either side, so \b and $ see the real neighbours.
    const from = Math.max(0, ws - 1);
    const slice = text.slice(from, Math.min(n, ws + WINDOW + 1));
    const acceptBefore = last ? n : ws + WINDOW - MAX_MATCH_LENGTH;
    re.lastIndex = Math.max(ws, lastEnd) - from;
    let m: RegExpExecArray | null;
    while ((m = re.exec(slice)) !== null) {
      const start = from + m.index;
      if (start >= acceptBefore) break;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      lastEnd = start + m[0].length;
      spans.push(start, lastEnd);
      if (spans.length >= 2 * MAX_MATCHES_PER_RULE) return { spans, truncated: false };
    }
    if (last) break;
    if (options.now() - started > options.budgetMs) return { spans, truncated: true };
  }
  return { spans, truncated: false };
}

const TOKEN =
  /[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff]+/g;

interface KeywordEntry {
  /** Lowercase, white space collapsed. */
  text: string;
  /** Characters before the first word and after the last ("#" in "#intern", "++" in "c++"). */
  lead: number;
  trail: number;
}

interface KeywordMatcher {
  /** Token sequence joined by single spaces -> the keywords with those tokens. */
  byTokens: Map<string, KeywordEntry[]>;
  /** How many tokens the keywords have, ascending. */
  lengths: number[];
}

const matcherCache = new WeakMap<readonly string[], KeywordMatcher>();

function normaliseKeyword(keyword: string): string {
  return keyword.toLowerCase().trim().replace(/\s+/g, ' ');
}

function keywordMatcher(keywords: readonly string[]): KeywordMatcher {
  const cached = matcherCache.get(keywords);
  if (cached) return cached;
  const byTokens = new Map<string, KeywordEntry[]>();
  const lengths = new Set<number>();
  for (const keyword of keywords) {
    const text = normaliseKeyword(keyword);
    const tokens: string[] = [];
    let first = -1;
    let lastEnd = 0;
    TOKEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TOKEN.exec(text)) !== null) {
      if (first < 0) first = m.index;
      lastEnd = m.index + m[0].length;
      tokens.push(m[0]);
    }
    // A keyword without letters or digits has no word boundaries to match on; it is ignored.
    if (tokens.length === 0) continue;
    const key = tokens.join(' ');
    const entry = { text, lead: first, trail: text.length - lastEnd };
    const list = byTokens.get(key);
    if (list) {
      if (!list.some((other) => other.text === text)) list.push(entry);
    } else byTokens.set(key, [entry]);
    lengths.add(tokens.length);
  }
  const matcher = { byTokens, lengths: [...lengths].sort((a, b) => a - b) };
  matcherCache.set(keywords, matcher);
  return matcher;
}

/**
 * Whole-word, case-insensitive keyword matches: the text's words are looked up as sequences of 1..k words
 * (k = the longest keyword), then the exact keyword, punctuation included, is confirmed around them.
 */
export function matchKeywords(text: string, rule: KeywordRule): number[] {
  const matcher = keywordMatcher(rule.keywords);
  if (matcher.byTokens.size === 0) return [];
  const lower = text.toLowerCase();
  // Lowercasing keeps the length for nearly all text; when it does not (e.g. "İ"), tokens are lowercased one by one.
  const source = lower.length === text.length ? lower : text;
  const tokens: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(source)) !== null) {
    tokens.push(source === lower ? m[0] : m[0].toLowerCase());
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  const spans: number[] = [];
  let covered = 0;
  for (let i = 0; i < tokens.length; i++) {
    if ((starts[i] ?? 0) < covered) continue;
    let key = '';
    let taken = 0;
    // Longest keyword first at each position.
    let best: [number, number] | null = null;
    for (const length of matcher.lengths) {
      if (i + length > tokens.length) break;
      while (taken < length) {
        key = taken === 0 ? (tokens[i] ?? '') : `${key} ${tokens[i + taken] ?? ''}`;
        taken++;
      }
      const candidates = matcher.byTokens.get(key);
      if (!candidates) continue;
      const tokenStart = starts[i] ?? 0;
      const tokenEnd = ends[i + length - 1] ?? 0;
      for (const keyword of candidates) {
        const span = confirm(text, tokenStart, tokenEnd, keyword);
        if (span && (!best || span[1] - span[0] > best[1] - best[0])) best = span;
      }
    }
    if (best) {
      spans.push(best[0], best[1]);
      covered = best[1];
      if (spans.length >= 2 * MAX_MATCHES_PER_RULE) break;
    }
  }
  return spans;
}

/** Checks the exact keyword (punctuation, separators) around the matched words; returns its span. */
function confirm(
  text: string,
  tokenStart: number,
  tokenEnd: number,
  keyword: KeywordEntry,
): [number, number] | null {
  const start = tokenStart - keyword.lead;
  const end = tokenEnd + keyword.trail;
  if (start < 0 || end > text.length) return null;
  const found = text.slice(start, end).toLowerCase().replace(/\s+/g, ' ');
  return found === keyword.text ? [start, end] : null;
}
