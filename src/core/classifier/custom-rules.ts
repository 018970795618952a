/**
 * The organisation's own rules. Keyword rules are matched on whole words (keyword-rules.ts). Regex rules run
 * on the native engine, so patterns are restricted to a subset without catastrophic backtracking
 * (validateRegexPattern), each is compiled once, and a rule is run over bounded windows under a time budget.
 */
import type { RegexRule } from '../policy';
import { MAX_MATCHES_PER_RULE } from './keyword-rules';

export { matchKeywords, MAX_MATCHES_PER_RULE } from './keyword-rules';

export const MAX_PATTERN_LENGTH = 256;
export const MAX_QUANTIFIERS = 20;
/** Regex matches are guaranteed up to this length; longer ones may be cut at a window edge. */
export const MAX_MATCH_LENGTH = 256;
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

/** A set of characters: a flag per ASCII code, and at index 128 "some non-ASCII characters". Enough to tell overlap. */
type CharSet = boolean[];

/** The characters in the inclusive [from, to] ranges; any code above 127 counts as index 128. */
function charSet(...ranges: number[]): CharSet {
  const set: CharSet = [];
  for (let c = 0; c <= 128; c++) set.push(false);
  for (let i = 0; i + 1 < ranges.length; i += 2)
    for (let c = Math.min(ranges[i] || 0, 128); c <= Math.min(ranges[i + 1] || 0, 128); c++) set[c] = true;
  return set;
}

const union = (a: CharSet, b: CharSet): CharSet => a.map((v, i) => v || b[i] === true);
const complement = (a: CharSet): CharSet => a.map((v, i) => i === 128 || !v);
const intersects = (a: CharSet, b: CharSet): boolean => a.some((v, i) => v && b[i] === true);
const foldCase = (a: CharSet): CharSet =>
  a.map(
    (v, i) => v || (i >= 65 && i <= 90 && a[i + 32] === true) || (i >= 97 && i <= 122 && a[i - 32] === true),
  );

const DIGIT = charSet(48, 57);
const WORD = charSet(48, 57, 65, 90, 95, 95, 97, 122);
const SPACE = charSet(9, 13, 32, 32, 128, 128);
const ANY = charSet(0, 128);
const DOT = complement(charSet(10, 10, 13, 13));
const CLASS_ESCAPES: Readonly<Record<string, CharSet>> = {
  d: DIGIT,
  D: complement(DIGIT),
  w: WORD,
  W: complement(WORD),
  s: SPACE,
  S: complement(SPACE),
};
/** Escapes of one character; "b" is backspace inside a class (outside, \b is handled as an assertion). */
const CHAR_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0, b: 8 };

interface Item {
  kind: 'set' | 'group' | 'assert';
  set: CharSet;
  alternatives: Item[][];
  min: number;
  max: number;
}

/** A refusal as the checks find it; `empty-repeat` is reported as `matches-empty`, with its own words. */
type Problem = PatternProblem | 'empty-repeat';

/**
 * Why each pattern is refused, for the admin who wrote it. Only validateRegexPattern reads them: the add-in
 * needs the verdict alone (compileRegexRule), so its bundle leaves these out.
 */
const PROBLEM_MESSAGES: Readonly<Record<Problem, string>> = {
  empty: 'The pattern is empty.',
  'too-long': '',
  invalid: '',
  backreference: 'Backreferences are not allowed.',
  lookaround: 'Lookaround is not allowed.',
  'nested-quantifier': 'No repetition inside a repeated group, such as (a+)+.',
  'too-many-quantifiers': `At most ${MAX_QUANTIFIERS} quantifiers are allowed.`,
  'ambiguous-quantifiers':
    'Two repetitions next to each other can match the same characters (such as \\d+\\d* or .*x.*).',
  'ambiguous-alternation': 'Alternatives in a repeated group must start with different characters.',
  'empty-repeat': 'A repeated group must not match empty text.',
  'matches-empty': 'The pattern matches empty text.',
};

class PatternError extends Error {
  // Declared and assigned rather than a parameter property: a class field costs a helper in ES2016 output.
  declare readonly code: Problem;
  constructor(code: Problem) {
    super(code);
    this.code = code;
  }
}

function fail(code: Problem): never {
  throw new PatternError(code);
}

const asSet = (atom: CharSet | number): CharSet => (typeof atom === 'number' ? charSet(atom, atom) : atom);

/**
 * Parses a pattern that already compiled with the u flag (so it is well formed), only as deep as the
 * safety checks need: items with their character sets and repetition counts.
 */
function parsePattern(src: string, ignoreCase: boolean): Item[][] {
  let pos = 0;
  let quantifiers = 0;
  const peek = (offset = 0): string => src.charAt(pos + offset);
  const make = (kind: Item['kind'], set: CharSet, alternatives: Item[][] = []): Item => ({
    kind,
    set,
    alternatives,
    min: 1,
    max: 1,
  });
  const setItem = (set: CharSet): Item => make('set', ignoreCase ? foldCase(set) : set);

  /** The escape at pos: a class (\d), or one code point. */
  function escape(): CharSet | number {
    const e = peek(1);
    pos += 2;
    const cls = CLASS_ESCAPES[e];
    if (cls) return cls;
    if (e === 'p' || e === 'P') {
      pos = src.indexOf('}', pos) + 1;
      return ANY;
    }
    const simple = CHAR_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e === 'c') return src.charCodeAt(pos++) & 31;
    if (e === 'x' || e === 'u') {
      const braced = peek() === '{';
      const end = braced ? src.indexOf('}', pos) : pos + (e === 'x' ? 2 : 4);
      const code = parseInt(src.slice(braced ? pos + 1 : pos, end), 16);
      pos = braced ? end + 1 : end;
      return code;
    }
    return e.codePointAt(0) || 0;
  }

  function literal(): CharSet | number {
    if (peek() === '\\') return escape();
    const code = src.codePointAt(pos) || 0;
    pos += code > 0xffff ? 2 : 1;
    return code;
  }

  function charClass(): CharSet {
    pos++;
    const negated = peek() === '^';
    if (negated) pos++;
    let set = charSet();
    while (pos < src.length && peek() !== ']') {
      const from = literal();
      if (peek() === '-' && peek(1) !== ']') {
        pos++;
        const to = literal();
        set = union(set, typeof from === 'number' && typeof to === 'number' ? charSet(from, to) : asSet(to));
      }
      set = union(set, asSet(from));
    }
    pos++;
    return negated ? complement(set) : set;
  }

  function atom(): Item {
    const c = peek();
    const next = peek(1);
    if (c === '(') {
      if (/^\(\?<?[=!]/.test(src.slice(pos, pos + 4))) fail('lookaround');
      pos = src.startsWith('(?:', pos)
        ? pos + 3
        : src.startsWith('(?<', pos)
          ? src.indexOf('>', pos) + 1
          : pos + 1;
      const alternatives = alternation();
      pos++;
      let set = charSet();
      for (const alt of alternatives) for (const it of alt) set = union(set, it.set);
      return make('group', set, alternatives);
    }
    if (c === '^' || c === '$' || (c === '\\' && (next === 'b' || next === 'B'))) {
      pos += c === '\\' ? 2 : 1;
      return make('assert', charSet());
    }
    if (c === '\\' && /[1-9k]/.test(next)) fail('backreference');
    if (c === '[') return setItem(charClass());
    if (c === '.') {
      pos++;
      return setItem(DOT);
    }
    return setItem(asSet(literal()));
  }

  function quantifier(): [number, number] | null {
    const m = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(src.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    if (m[1]) return m[1] === '*' ? [0, Infinity] : m[1] === '+' ? [1, Infinity] : [0, 1];
    const min = Number(m[2]);
    return [min, m[3] === undefined ? min : m[4] ? Number(m[4]) : Infinity];
  }

  function item(): Item {
    const before = quantifiers;
    const it = atom();
    const q = quantifier();
    if (q) {
      if (++quantifiers > MAX_QUANTIFIERS) fail('too-many-quantifiers');
      if (it.kind === 'group') {
        if (quantifiers - 1 > before) fail('nested-quantifier');
        checkRepeatedAlternatives(it.alternatives);
      }
      it.min = q[0];
      it.max = q[1];
    }
    return it;
  }

  function sequence(): Item[] {
    const items: Item[] = [];
    while (pos < src.length && peek() !== '|' && peek() !== ')') items.push(item());
    return items;
  }

  function alternation(): Item[][] {
    const alternatives = [sequence()];
    while (peek() === '|') {
      pos++;
      alternatives.push(sequence());
    }
    return alternatives;
  }

  return alternation();
}

/** Characters an alternative can begin with (no repetition inside, so a fixed walk). */
function firstSet(items: readonly Item[]): { set: CharSet; empty: boolean } {
  for (const item of items) {
    if (item.kind === 'assert') continue;
    if (item.kind === 'set') return { set: item.set, empty: false };
    let set = charSet();
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
  return { set: charSet(), empty: true };
}

/** Under repetition, alternatives must start differently: (a|ab)* can take exponential time. */
function checkRepeatedAlternatives(alternatives: readonly Item[][]): void {
  const firsts = alternatives.map(firstSet);
  for (const first of firsts) if (first.empty) fail('empty-repeat');
  firsts.forEach((first, i) => {
    for (const other of firsts.slice(i + 1))
      if (intersects(first.set, other.set)) fail('ambiguous-alternation');
  });
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
    if (variable && open.some((set) => intersects(set, item.set))) fail('ambiguous-quantifiers');
    if (!canBeEmpty(item)) open = open.filter((set) => intersects(set, item.set));
    if (variable) open.push(item.set);
  }
}

/** The checks of validateRegexPattern, without their words: the first problem found, or null. */
function patternProblem(pattern: string, caseInsensitive: boolean): Problem | null {
  if (pattern.length === 0) return 'empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return 'too-long';
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, caseInsensitive ? 'iu' : 'u');
  } catch {
    return 'invalid';
  }
  try {
    for (const alternative of parsePattern(pattern, caseInsensitive)) checkSequence(alternative);
  } catch (error) {
    if (error instanceof PatternError) return error.code;
    throw error;
  }
  return compiled.test('') ? 'matches-empty' : null;
}

/**
 * Whether an org pattern may run in the add-in: at most 256 characters, valid JavaScript with the u flag,
 * no backreferences or lookaround, no repetition inside repetition, at most 20 quantifiers, no two
 * repetitions that can share characters side by side, and it must not match the empty string. Pure, so the
 * server runs the same check (and adds RE2's own).
 */
export function validateRegexPattern(pattern: string, caseInsensitive = false): PatternValidation {
  const problem = patternProblem(pattern, caseInsensitive);
  if (problem === null) return { ok: true };
  let message = PROBLEM_MESSAGES[problem];
  if (problem === 'too-long')
    message = `The pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}.`;
  if (problem === 'invalid')
    try {
      new RegExp(pattern, caseInsensitive ? 'iu' : 'u');
    } catch (error) {
      message = `Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
    }
  return { ok: false, code: problem === 'empty-repeat' ? 'matches-empty' : problem, message };
}

const compiledCache = new Map<string, RegExp | null>();

/**
 * Case-insensitive rules compiled without the u flag too: V8 runs \b under /iu as a lookbehind at every
 * position, 30 times slower. Only for patterns that read alike without it (printable ASCII, none of the
 * escapes u changes: \u, \x, \p) and can match ASCII characters only, so a text's surrogate pairs play no
 * part; then the two differ only where the text holds ſ or K, which /iu folds to s and k (runRegex checks).
 */
const twins = new WeakMap<RegExp, RegExp>();

/** The rule's RegExp, compiled once per pattern and flags; null when the pattern is not allowed. */
export function compileRegexRule(rule: RegexRule): RegExp | null {
  const key = `${rule.caseInsensitive ? 'i' : '-'}${rule.pattern}`;
  const cached = compiledCache.get(key);
  if (cached !== undefined) return cached;
  const { pattern, caseInsensitive } = rule;
  const compiled = patternProblem(pattern, caseInsensitive)
    ? null
    : new RegExp(pattern, caseInsensitive ? 'giu' : 'gu');
  if (
    compiled &&
    caseInsensitive &&
    /^[ -~]*$/.test(pattern) &&
    !/\\[uxpP]/.test(pattern) &&
    parsePattern(pattern, true).every((alternative) => alternative.every((item) => !item.set[128]))
  )
    twins.set(compiled, new RegExp(pattern, 'gi'));
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
  // Where the twin matches alike; indexOf, unlike a character class, skims a text at memory speed.
  const twin = twins.get(re);
  if (twin && text.indexOf('\u017f') < 0 && text.indexOf('\u212a') < 0) re = twin;
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
        // Step over a whole surrogate pair: with the u flag the engine moves an index inside one back to
        // its start, and the same empty match would come back for ever.
        const c = slice.charCodeAt(re.lastIndex);
        re.lastIndex += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
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
