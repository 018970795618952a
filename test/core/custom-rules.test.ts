import {
  compileRegexRule,
  matchKeywords,
  MAX_MATCH_LENGTH,
  runRegex,
  validateRegexPattern,
} from '../../src/core/classifier/custom-rules';
import type { KeywordRule, RegexRule } from '../../src/core/policy';

function codeOf(pattern: string, caseInsensitive = false): string {
  const result = validateRegexPattern(pattern, caseInsensitive);
  return result.ok ? 'ok' : result.code;
}

describe('validateRegexPattern', () => {
  it.each([
    ['PRJ-\\d{6}', 'ok'],
    ['\\bCASE-[A-Z]{2}-\\d{4}\\b', 'ok'],
    ['\\w+@\\w+\\.\\w+', 'ok'],
    ['\\d{3}\\s?\\d{3}\\s?\\d{3}', 'ok'],
    ['(?:foo|bar)\\s*\\d+', 'ok'],
    ['(?:ab|cd)+x', 'ok'],
    ['(?<code>[A-Z]{3})-\\d+', 'ok'],
    ['[^\\s@]+@example\\.org', 'ok'],
    ['confidential|geheim', 'ok'],
  ])('allows %s', (pattern, code) => {
    expect(codeOf(pattern)).toBe(code);
  });

  it.each([
    ['', 'empty'],
    ['a'.repeat(257), 'too-long'],
    ['(abc', 'invalid'],
    ['(?i)abc', 'invalid'],
    ['\\p{Foo}', 'invalid'],
    ['(a)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'backreference'],
    ['foo(?=bar)', 'lookaround'],
    ['(?<!x)foo', 'lookaround'],
    ['(a+)+b', 'nested-quantifier'],
    ['(?:a*b?)*c', 'nested-quantifier'],
    ['(a|ab)*c', 'ambiguous-alternation'],
    ['(?:a|a)+', 'ambiguous-alternation'],
    ['\\d+\\d*x', 'ambiguous-quantifiers'],
    ['.*secret.*', 'ambiguous-quantifiers'],
    ['\\w+5\\w+', 'ambiguous-quantifiers'],
    ['a*', 'matches-empty'],
    ['(?:)', 'matches-empty'],
    ['a?b?c?', 'matches-empty'],
    [`${'a?'.repeat(21)}b`, 'too-many-quantifiers'],
  ])('refuses %s (%s)', (pattern, code) => {
    expect(codeOf(pattern)).toBe(code);
  });

  it('folds case when the rule is case-insensitive', () => {
    // [a-z]+ then [A-Z]+ are disjoint as written, but not under the i flag.
    expect(codeOf('[a-z]+[A-Z]+x')).toBe('ok');
    expect(codeOf('[a-z]+[A-Z]+x', true)).toBe('ambiguous-quantifiers');
  });

  it('gives a readable message with each refusal', () => {
    const result = validateRegexPattern('(a+)+');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/repeated group/);
  });
});

const regexRule = (pattern: string, caseInsensitive = false): RegexRule => ({
  id: 'r',
  name: 'R',
  kind: 'regex',
  pattern,
  caseInsensitive,
  sensitivity: 'high',
});

function matches(text: string, pattern: string, caseInsensitive = false): string[] {
  const re = compileRegexRule(regexRule(pattern, caseInsensitive));
  if (!re) throw new Error('pattern refused');
  const { spans } = runRegex(text, re, { budgetMs: 1000, now: () => 0 });
  const out: string[] = [];
  for (let k = 0; k < spans.length; k += 2) out.push(text.slice(spans[k], spans[k + 1]));
  return out;
}

describe('runRegex', () => {
  it('compiles each pattern once and refuses unsafe ones', () => {
    expect(compileRegexRule(regexRule('PRJ-\\d{6}'))).toBe(compileRegexRule(regexRule('PRJ-\\d{6}')));
    expect(compileRegexRule(regexRule('(a+)+'))).toBeNull();
  });

  it('finds every match, honouring case-insensitivity', () => {
    expect(matches('PRJ-123456 and prj-654321', 'PRJ-\\d{6}')).toEqual(['PRJ-123456']);
    expect(matches('PRJ-123456 and prj-654321', 'PRJ-\\d{6}', true)).toEqual(['PRJ-123456', 'prj-654321']);
  });

  it('finds matches across window edges exactly once, with word boundaries intact', () => {
    const text = Array.from({ length: 900 }, (_, i) => `PRJ-${String(100000 + i)}`).join(' ');
    const found = matches(text, '\\bPRJ-\\d{6}\\b');
    expect(found).toHaveLength(900);
    expect(new Set(found).size).toBe(900);
    // A window starting inside "XPRJ-..." must not see a false boundary.
    const glued = `${'x'.repeat(4095 - MAX_MATCH_LENGTH)}XPRJ-123456`;
    expect(matches(glued, '\\bPRJ-\\d{6}\\b')).toEqual([]);
  });

  it('stops a rule that runs out of its time budget and says so', () => {
    const re = compileRegexRule(regexRule('\\d+x'))!;
    let clock = 0;
    // Each reading of the clock advances it 10 ms: the budget of 25 ms is gone after a few windows.
    const result = runRegex('1'.repeat(100_000), re, { budgetMs: 25, now: () => (clock += 10) });
    expect(result.truncated).toBe(true);
    const full = runRegex(`${'1'.repeat(100_000)}x`, re, { budgetMs: 1e9, now: () => 0 });
    expect(full.truncated).toBe(false);
    expect(full.spans.length).toBe(2);
  });

  it('matches case-insensitive rules as /iu does, also where its fast twin without u would not', () => {
    // ſ and K fold to s and k under /iu, \w and \b count them as word characters, and a surrogate pair is one
    // character to ".", [^…], \W: each text has what would tell a /i run from an /iu run of the pattern.
    const cases: [string, string][] = [
      ['\\bPRJ-\\d{6}\\b', 'prj-123456 😀PRJ-654321 xPRJ-111111'],
      ['\\bk\\w*', '\u212aode kode ſk K9'],
      ['\\bst\\b', 'ſt St sT ſ'],
      ['K\\W', 'aK😀b K! K😀'],
      ['[^a-z ]{3}\\d', '😀😀😀1 x'],
      ['.\\B.\\d', 'a😀1 😀😀2'],
    ];
    for (const [pattern, text] of cases) {
      const reference: string[] = [];
      for (const m of text.matchAll(new RegExp(pattern, 'giu'))) reference.push(m[0]);
      expect(matches(text, pattern, true)).toEqual(reference);
    }
  });

  it('skips empty matches without looping, also next to characters outside the BMP', () => {
    expect(matches('ab ab', '\\bab\\b')).toEqual(['ab', 'ab']);
    // \b alone passes validation (it does not match an empty text) but only ever matches empty.
    expect(matches('a\u{1F600}b \u{1F600}\u{1F600}c', '\\b')).toEqual([]);
  });
});

const keywordRule = (keywords: string[]): KeywordRule => ({
  id: 'k',
  name: 'K',
  kind: 'keywords',
  keywords,
  sensitivity: 'medium',
});

function keywordMatches(text: string, keywords: string[]): string[] {
  const spans = matchKeywords(text, keywordRule(keywords));
  const out: string[] = [];
  for (let k = 0; k < spans.length; k += 2) out.push(text.slice(spans[k], spans[k + 1]));
  return out;
}

describe('matchKeywords', () => {
  it('matches whole words, case-insensitively, with any white space between words', () => {
    expect(keywordMatches('Over PROJECT   Zeus en project zeusje', ['project zeus'])).toEqual([
      'PROJECT   Zeus',
    ]);
    expect(keywordMatches('Zeusproject', ['zeus'])).toEqual([]);
  });

  it('keeps punctuation that is part of the keyword', () => {
    expect(keywordMatches('We use C++ and C here', ['c++'])).toEqual(['C++']);
    expect(keywordMatches('sofi nummer and sofi-nummer', ['sofi-nummer'])).toEqual(['sofi-nummer']);
  });

  it('prefers the longest keyword at a position and does not overlap matches', () => {
    expect(keywordMatches('board only members', ['board', 'board only'])).toEqual(['board only']);
  });

  it('reads words as lowercasing the whole text leaves them', () => {
    // The Kelvin sign lowercases to k; "İ" to two characters; Σ to σ, or ς at the end of a word.
    expect(keywordMatches('\u212aODE en kode', ['kode'])).toEqual(['\u212aODE', 'kode']);
    expect(keywordMatches('İstanbul istanbul', ['istanbul'])).toEqual(['istanbul']);
    expect(keywordMatches('ΟΔΟΣ οδος', ['οδος'])).toEqual(['ΟΔΟΣ', 'οδος']);
  });

  it('finds many keywords that share first words, as few as there are', () => {
    const many = Array.from({ length: 300 }, (_, i) => `word${i} x`);
    expect(keywordMatches('Word7 X, word7 y, word299  x.', [...many, 'word7'])).toEqual([
      'Word7 X',
      'word7',
      'word299  x',
    ]);
  });

  it('handles accented words and ignores keywords without letters or digits', () => {
    expect(keywordMatches('De patiënt en de PATIËNT', ['patiënt', '!!'])).toEqual(['patiënt', 'PATIËNT']);
  });

  it('stays linear with 100,000 keywords', () => {
    const keywords = Array.from({ length: 100_000 }, (_, i) => `codeword${i} alpha`);
    const text = 'nothing to see here codeword99999 alpha, codeword5 beta. '.repeat(20_000);
    const started = Date.now();
    const spans = matchKeywords(text, keywordRule(keywords));
    expect(spans.length / 2).toBe(1000); // capped per rule
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
