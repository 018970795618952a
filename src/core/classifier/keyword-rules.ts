/**
 * The organisation's keyword rules: whole words, case-insensitively, linear in the text whatever the number
 * of keywords. Only where a keyword's first word stands is anything looked up: one search finds those places
 * (the first words as one alternation, or every word when there are many), then the words from there are
 * compared as sequences of 1..k words (k = the longest keyword), and the exact keyword, punctuation included,
 * is confirmed around them.
 */
import type { KeywordRule } from '../policy';

/** Matches kept per rule and message (keyword and regex rules). */
export const MAX_MATCHES_PER_RULE = 1000;

const WORD_CHARS =
  '[0-9A-Za-z\\xaa\\xb5\\xba\\xc0-\\xd6\\xd8-\\xf6\\xf8-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff]';
/** Every word: for reading keywords, and to find first words when there are many. */
const TOKEN = new RegExp(`${WORD_CHARS}+`, 'g');
/** The words after a first word. */
const NEXT = new RegExp(TOKEN.source, 'g');
/** The word at a place. */
const WORD_AT = new RegExp(TOKEN.source, 'y');

/** First words up to this many are searched for as one alternation; more, and every word is looked up. */
const MAX_ALTERNATION = 200;

interface KeywordEntry {
  /** Lowercase, white space collapsed. */
  text: string;
  /** Characters before the first word and after the last ("#" in "#intern", "++" in "c++"). */
  lead: number;
  trail: number;
}

/** Each keyword list's matcher, made once. */
const matchers = new WeakMap<readonly string[], (text: string) => number[]>();

/**
 * Whole-word, case-insensitive keyword matches, as [start, end, ...]: at each word that starts a keyword,
 * the longest keyword wins, and matches do not overlap.
 */
export function matchKeywords(text: string, rule: KeywordRule): number[] {
  let matcher = matchers.get(rule.keywords);
  if (!matcher) matchers.set(rule.keywords, (matcher = keywordMatcher(rule.keywords)));
  return matcher(text);
}

function keywordMatcher(keywords: readonly string[]): (text: string) => number[] {
  /** Token sequence joined by single spaces -> the keywords with those tokens. */
  const byTokens = new Map<string, KeywordEntry[]>();
  /** First token -> the most tokens a keyword that starts with it has. */
  const firsts = new Map<string, number>();
  const counts = new Set<number>();
  for (const keyword of keywords) {
    const text = keyword.toLowerCase().trim().replace(/\s+/g, ' ');
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
    const lead = tokens[0];
    if (lead === undefined) continue;
    const key = tokens.join(' ');
    const entry = { text, lead: first, trail: text.length - lastEnd };
    const list = byTokens.get(key);
    if (list) {
      if (!list.some((other) => other.text === text)) list.push(entry);
    } else byTokens.set(key, [entry]);
    counts.add(tokens.length);
    firsts.set(lead, Math.max(firsts.get(lead) || 0, tokens.length));
  }
  if (firsts.size === 0) return () => [];
  /** How many tokens keywords have, ascending. */
  const lengths = [...counts].sort((a, b) => a - b);
  // Word characters need no escaping.
  const finder = firsts.size <= MAX_ALTERNATION ? new RegExp([...firsts.keys()].join('|'), 'g') : TOKEN;

  return (text) => {
    const lower = text.toLowerCase();
    // Lowercasing keeps the length for nearly all text; when it does not (e.g. "İ"), words are lowercased one
    // by one, and every word is looked up.
    const same = lower.length === text.length;
    const source = same ? lower : text;
    const find = same ? finder : TOKEN;
    const word = (m: RegExpExecArray): string => (same ? m[0] : m[0].toLowerCase());
    const spans: number[] = [];
    let covered = 0;
    find.lastIndex = 0;
    let found: RegExpExecArray | null;
    while ((found = find.exec(source)) !== null) {
      const start = found.index;
      // A word starts here only if none runs on from before.
      WORD_AT.lastIndex = start - 1;
      const inside = start > 0 && WORD_AT.test(source);
      WORD_AT.lastIndex = start;
      const token = WORD_AT.exec(source);
      if (!token) continue;
      // Go on after this word, wherever in it the search stopped.
      find.lastIndex = WORD_AT.lastIndex;
      const first = word(token);
      const most = firsts.get(first);
      if (inside || start < covered || !most) continue;
      let key = first;
      let taken = 1;
      let end = WORD_AT.lastIndex;
      NEXT.lastIndex = end;
      // Longest keyword first at each position.
      let best: [number, number] | null = null;
      for (const length of lengths) {
        if (length > most) break;
        while (taken < length) {
          const next = NEXT.exec(source);
          if (!next) break;
          key = `${key} ${word(next)}`;
          end = NEXT.lastIndex;
          taken++;
        }
        if (taken < length) break;
        for (const keyword of byTokens.get(key) || []) {
          const span = confirm(text, start, end, keyword);
          if (span && (!best || span[1] - span[0] > best[1] - best[0])) best = span;
        }
      }
      if (best) {
        spans.push(best[0], best[1]);
        covered = best[1];
        if (covered > find.lastIndex) find.lastIndex = covered;
        if (spans.length >= 2 * MAX_MATCHES_PER_RULE) break;
      }
    }
    return spans;
  };
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
