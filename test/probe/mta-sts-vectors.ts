/**
 * Published MTA-STS policy test vectors of other implementations, re-expressed (not copied): which suite
 * and case each row stands for, that implementation's verdict, and TLS Gate's. Run by
 * mta-sts-grammar.test.ts; the differences are explained in docs/mta-sts.md.
 */

/** policy: a usable policy; malformed: not the grammar; invalid: well-formed but incomplete or out of range. */
export type Verdict = 'policy' | 'malformed' | 'invalid';

/** Another implementation's test vector, re-expressed: their verdict and ours. */
export interface Vector {
  /** Suite and case it corresponds to. */
  from: string;
  text: string;
  theirs: 'policy' | 'refused';
  ours: Verdict;
  /** Why we differ, where we do. */
  why?: string;
}

const P = (...lines: string[]): string => lines.join('\n');

export const VECTORS: Vector[] = [
  // mjl-/mox mtasts/parse_test.go TestParsePolicy (Go; a sending MTA).
  {
    from: 'mox good: testing, 3 mx, final LF',
    text: P(
      'version: STSv1',
      'mode: testing',
      'mx: mx1.example.com',
      'mx: mx2.example.com',
      'mx: mx.backup-example.com',
      'max_age: 1296000',
      '',
    ),
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'mox good: trailing WSP, max_age 0',
    text: 'version: STSv1\nmode: enforce\t \nmx: *.example.com \nmax_age: 0 \n',
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'mox good: mixed CRLF/LF, spaced extension',
    text: 'version:STSv1\r\nmode:\tenforce\r\nmx:  \t\t *.example.com\nmax_age: 1\nmore:ext e  ns ion',
    theirs: 'policy',
    ours: 'policy',
  },
  { from: 'mox bad: empty', text: '', theirs: 'refused', ours: 'malformed' },
  {
    from: 'mox bad: version STSv0',
    text: P('version:STSv0', 'mode:none', 'max_age:0'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: version STSv10',
    text: P('version:STSv10', 'mode:none', 'max_age:0'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: missing mode',
    text: P('version:STSv1', 'max_age:0', 'mx:example.com'),
    theirs: 'refused',
    ours: 'invalid',
  },
  {
    from: 'mox bad: missing max_age',
    text: P('version:STSv1', 'mode:none'),
    theirs: 'refused',
    ours: 'invalid',
  },
  {
    from: 'mox bad: testing without mx',
    text: P('version:STSv1', 'max_age:0', 'mode:testing'),
    theirs: 'refused',
    ours: 'invalid',
  },
  { from: 'mox bad: missing version', text: P('max_age:0', 'mode:none'), theirs: 'refused', ours: 'invalid' },
  {
    from: 'mox bad: max_age of 11 digits',
    text: P('version:STSv1', 'mode:none', 'max_age:01234567890'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: mode bad',
    text: P('version:STSv1', 'mode:bad', 'max_age:1'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: max_age a',
    text: P('version:STSv1', 'mode:none', 'max_age:a'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: empty mx',
    text: P('version:STSv1', 'mode:enforce', 'max_age:0', 'mx:'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: mx *.*.example',
    text: P('version:STSv1', 'mode:enforce', 'max_age:0', 'mx:*.*.example'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: mx **.example',
    text: P('version:STSv1', 'mode:enforce', 'max_age:0', 'mx:**.example'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: mx test.example-',
    text: P('version:STSv1', 'mode:enforce', 'max_age:0', 'mx:test.example-'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: empty extension',
    text: P('version:STSv1', 'mode:none', 'max_age:0', 'ext:'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: extension name of 33',
    text: P('version:STSv1', 'mode:none', 'max_age:0', 'a12345678901234567890123456789012:123'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: extension name _bad',
    text: P('version:STSv1', 'mode:none', 'max_age:0', '_bad:test'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mox bad: U-label mx in mode none',
    text: P('version:STSv1', 'mode:none', 'max_age:0', 'mx: m\u00f8x.example'),
    theirs: 'refused',
    ours: 'malformed',
  },

  // rest-mail/go-mtasts policy_test.go (Go; a sending library).
  {
    from: 'go-mtasts valid enforce',
    text: P(
      'version: STSv1',
      'mode: enforce',
      'mx: mail.example.com',
      'mx: *.example.net',
      'max_age: 604800',
      '',
    ),
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'go-mtasts CRLF and spacing tolerated',
    text: 'version:STSv1\r\nmode:  testing \r\nmx:   mx1.example.com  \r\nmax_age: 86400\r\n',
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'go-mtasts invalid/zero max_age',
    text: P('version: STSv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 0', ''),
    theirs: 'refused',
    ours: 'policy',
    why: 'max_age is a "non-negative integer" and 1*10(DIGIT) admits 0; it only means "do not cache"',
  },
  {
    from: 'go-mtasts invalid/non-numeric max_age',
    text: P('version: STSv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 100days', ''),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'go-mtasts invalid/bad mode',
    text: P('version: STSv1', 'mode: strict', 'mx: a.example.com', 'max_age: 100', ''),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'go-mtasts duplicate mode uses first',
    text: P('version: STSv1', 'mode: none', 'mode: enforce', 'mx: a.example.com', 'max_age: 100', ''),
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'go-mtasts later invalid max_age duplicate is ignored',
    text: P('version: STSv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 100', 'max_age: garbage', ''),
    theirs: 'policy',
    ours: 'malformed',
    why: '"max_age: garbage" is no sts-policy-max-age; a strict sender (mox) refuses the file, so we fail closed',
  },
  {
    from: 'go-mtasts duplicate version uses first',
    text: P('version: STSv1', 'version: STSv2', 'mode: enforce', 'mx: a.example.com', 'max_age: 100', ''),
    theirs: 'policy',
    ours: 'malformed',
    why: '"version: STSv2" breaks sts-policy-version-value; mox refuses it too, so we fail closed',
  },
  {
    from: 'go-mtasts reject/overflows duration',
    text: P('version: STSv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 9223372037', ''),
    theirs: 'refused',
    ours: 'invalid',
  },

  // Snawoot/postfix-mta-sts-resolver tests/nginx.conf bodies, verdicts from tests/test_resolver.py (Python; Postfix).
  {
    from: 'Snawoot good.loc (no final LF)',
    text: P('version: STSv1', 'mode: enforce', 'mx: mail.loc', 'max_age: 86400'),
    theirs: 'policy',
    ours: 'policy',
  },
  { from: 'Snawoot bad-policy1 garbage', text: 'garbage', theirs: 'refused', ours: 'malformed' },
  {
    from: 'Snawoot bad-policy2 enforce without mx',
    text: P('version: STSv1', 'mode: enforce', 'max_age: 86400'),
    theirs: 'refused',
    ours: 'invalid',
  },
  {
    from: 'Snawoot bad-policy5 max_age xxx',
    text: P('version: STSv1', 'mode: enforce', 'mx: mail.loc', 'max_age: xxx'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'Snawoot bad-policy6 max_age 31557601',
    text: P('version: STSv1', 'mode: enforce', 'mx: mail.loc', 'max_age: 31557601'),
    theirs: 'refused',
    ours: 'invalid',
  },
  {
    from: 'Snawoot bad-policy7 no mode',
    text: P('version: STSv1', 'mx: mail.loc', 'max_age: 86400'),
    theirs: 'refused',
    ours: 'invalid',
  },
  {
    from: 'Snawoot bad-policy8 mode doubt',
    text: P('version: STSv1', 'mode: doubt', 'mx: mail.loc', 'max_age: 86400'),
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'Snawoot valid-none',
    text: P('version: STSv1', 'mode: none', 'max_age: 86400'),
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'Snawoot testing.loc (mx last, final LF)',
    text: P('version: STSv1', 'mode: testing', 'max_age: 86400', 'mx: mail.loc', ''),
    theirs: 'policy',
    ours: 'policy',
  },

  // mimecast/mta-sts StsPolicyTest.java (Java; a sending library). Its isValid() is false for mode none.
  {
    from: 'mimecast valid (CRLF)',
    text: 'version: STSv1\r\nmode: enforce\r\nmx: service-alpha-inbound-a.mimecast.com\r\nmx: service-alpha-inbound-b.mimecast.com\r\nmax_age: 86400\r\n',
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'mimecast validBareLF',
    text: P(
      'version: STSv1',
      'mode: enforce',
      'mx: service-alpha-inbound-a.mimecast.com',
      'max_age: 86400',
      '',
    ),
    theirs: 'policy',
    ours: 'policy',
  },
  {
    from: 'mimecast matchMxEnforce (partial-label wildcard)',
    text: 'version: STSv1\r\nmode: enforce\r\nmx: service-alpha-inbound-*.mimecast.com\r\nmax_age: 86400\r\n',
    theirs: 'policy',
    ours: 'malformed',
    why: '"*" may only be the whole leftmost label (["*."] Domain, §4.1); mox refuses the file',
  },
  {
    from: 'mimecast invalidMalformed ("mode none")',
    text: 'version: STSv1\r\nmode none\r\nmx: a.mimecast.com\r\nmax_age: 86400\r\n',
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'mimecast invalidValue (empty max_age)',
    text: 'version: STSv1\r\nmode: enforce\r\nmx: a.mimecast.com\r\nmax_age:\r\n',
    theirs: 'policy',
    ours: 'malformed',
    why: 'an empty value is no 1*10(DIGIT); Mimecast assumes a default age, strict senders refuse',
  },
  {
    from: 'mimecast invalidMaxAge (no max_age)',
    text: 'version: STSv1\r\nmode: testing\r\nmx: a.mimecast.com\r\n',
    theirs: 'policy',
    ours: 'invalid',
    why: 'max_age is "required once"; Mimecast assumes a default age',
  },
  {
    from: 'mimecast invalidMode (pretend)',
    text: 'version: STSv1\r\nmode: pretend\r\nmx: a.mimecast.com\r\nmax_age: 86400\r\n',
    theirs: 'refused',
    ours: 'malformed',
  },

  // domainaware/checkdmarc tests/test_mta_sts.py (Python; a checker like us).
  {
    from: 'checkdmarc DecimalMaxAge',
    text: 'version: STSv1\r\nmode: enforce\r\nmax_age: 86400.5\r\nmx: mail.example.com\r\n',
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'checkdmarc TooLargeMaxAge',
    text: 'version: STSv1\r\nmode: enforce\r\nmax_age: 99999999\r\nmx: mail.example.com\r\n',
    theirs: 'refused',
    ours: 'invalid',
  },
  {
    from: 'checkdmarc BadKeyValue',
    text: 'version: STSv1\r\nnot_a_pair\r\n',
    theirs: 'refused',
    ours: 'malformed',
  },
  {
    from: 'checkdmarc DuplicateKey',
    text: 'version: STSv1\r\nmode: enforce\r\nmode: testing\r\nmax_age: 86400\r\nmx: mail.example.com\r\n',
    theirs: 'refused',
    ours: 'policy',
    why: '§3.2: of a repeated field "all entries except for the first SHALL be ignored"; we warn (MTA_STS_DUPLICATE_FIELD)',
  },
  {
    from: 'checkdmarc UnexpectedKey',
    text: 'version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\nmx: mail.example.com\r\nbadkey: badvalue\r\n',
    theirs: 'refused',
    ours: 'policy',
    why: '§3.2: "unknown fields SHALL be ignored"',
  },
];
