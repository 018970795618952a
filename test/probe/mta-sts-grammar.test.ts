import {
  parseMtaStsPolicy,
  selectMtaStsRecord,
  type MtaStsPolicy,
  type MtaStsPolicyResult,
} from '../../src/probe/mta-sts-parse';
import { VECTORS, type Vector, type Verdict } from './mta-sts-vectors';

/**
 * The MTA-STS policy grammar, rule by rule (RFC 8461 §3.2, §3.1), then the published test vectors of
 * other implementations run through our parser. Where and why TLS Gate differs: docs/mta-sts.md.
 *
 * RFC 8461 §3.2 ABNF (the productions these tables exercise):
 *   sts-policy-record        = sts-policy-field *WSP
 *                              *(sts-policy-term sts-policy-field *WSP)
 *                              [sts-policy-term]
 *   field-delim              = ":" *WSP
 *   sts-policy-version-value = %s"STSv1"
 *   sts-policy-mode-value    =  %s"testing" / %s"enforce" / %s"none"
 *   sts-policy-mx-value      = ["*."] Domain
 *   sts-policy-max-age-value = 1*10(DIGIT)
 *   sts-policy-ext-name      = (ALPHA / DIGIT)
 *                              *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   sts-policy-term          = LF / CRLF
 *   sts-policy-ext-value     = sts-policy-vchar
 *                              [*(%x20 / sts-policy-vchar)
 *                              sts-policy-vchar]
 *                              ; chars, including UTF-8 [RFC3629],
 *                              ; excluding CTLs and no
 *                              ; leading/trailing spaces
 * Domain is RFC 5321 §4.1.2: sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str].
 */

function verdictOf(result: MtaStsPolicyResult): Verdict {
  if (result.ok) return 'policy';
  return result.code === 'MTA_STS_POLICY_MALFORMED' ? 'malformed' : 'invalid';
}

const HEAD = 'version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx.example.com\n';

interface Rule {
  /** The RFC text the row follows. */
  rfc: string;
  text: string;
  want: Verdict;
  /** For a policy: the fields it must carry. */
  policy?: Partial<MtaStsPolicy>;
}

const TERM = '§3.2 sts-policy-term = LF / CRLF';
const RECORD =
  '§3.2 sts-policy-record = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]';
const DELIM = '§3.2 field-delim = ":" *WSP';
const EXT_NAME = '§3.2 sts-policy-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")';
const EXT_VALUE =
  '§3.2 sts-policy-ext-value = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar] ; excluding CTLs and no leading/trailing spaces';
const MX = '§3.2 sts-policy-mx-value = ["*."] Domain';
const A_LABEL =
  '§3.2 "the "mx" value MUST specify the Punycode-encoded A-label [RFC3492] to match against, and not the Unicode-encoded U-label"';
const CASE = '§3.2 %s"version" / %s"mode" / %s"max_age" / %s"mx" (RFC 7405: case-sensitive)';
const REQUIRED =
  '§3.2 version, mode, max_age "required once"; mx "required at least once, except when mode is "none""';
const REPEAT =
  '§3.2 "If any non-repeated field ... is duplicated, all entries except for the first SHALL be ignored."';
const UNKNOWN = '§3.2 "unknown fields SHALL be ignored"';
const MAX_AGE = '§3.2 sts-policy-max-age-value = 1*10(DIGIT); max_age "maximum value of 31557600"';

const rules: [string, Rule][] = [
  ['LF lines', { rfc: TERM, text: HEAD, want: 'policy' }],
  ['CRLF lines', { rfc: TERM, text: HEAD.replaceAll('\n', '\r\n'), want: 'policy' }],
  ['a bare CR is no terminator', { rfc: TERM, text: HEAD.replace('\n', '\r'), want: 'malformed' }],
  ['no final terminator', { rfc: RECORD, text: HEAD.trimEnd(), want: 'policy' }],
  ['two final terminators', { rfc: RECORD, text: `${HEAD}\n`, want: 'malformed' }],
  ['a blank line', { rfc: RECORD, text: HEAD.replace('\n', '\n\n'), want: 'malformed' }],
  ['an indented junk line', { rfc: RECORD, text: `${HEAD}  junk here`, want: 'malformed' }],
  ['an indented field', { rfc: RECORD, text: `${HEAD}  note: x`, want: 'malformed' }],
  ['trailing WSP after a field', { rfc: RECORD, text: HEAD.replaceAll('\n', ' \t\n'), want: 'policy' }],
  ['a line without ":"', { rfc: RECORD, text: `${HEAD}mode enforce`, want: 'malformed' }],
  ['no WSP after ":"', { rfc: DELIM, text: 'version:STSv1\nmode:none\nmax_age:1', want: 'policy' }],
  ['WSP before ":"', { rfc: DELIM, text: `${HEAD}note : x`, want: 'malformed' }],
  ['an extension name of 32', { rfc: EXT_NAME, text: `${HEAD}${'a'.repeat(32)}: x`, want: 'policy' }],
  ['an extension name of 33', { rfc: EXT_NAME, text: `${HEAD}${'a'.repeat(33)}: x`, want: 'malformed' }],
  ['an extension name starting with "_"', { rfc: EXT_NAME, text: `${HEAD}_x: y`, want: 'malformed' }],
  ['an extension name starting with "-"', { rfc: EXT_NAME, text: `${HEAD}-x: y`, want: 'malformed' }],
  ['an extension name with "_", "-", "."', { rfc: EXT_NAME, text: `${HEAD}9a_b-c.d: y`, want: 'policy' }],
  ['an empty extension value', { rfc: EXT_VALUE, text: `${HEAD}note:`, want: 'malformed' }],
  ['an extension value of only WSP', { rfc: EXT_VALUE, text: `${HEAD}note:  \t`, want: 'malformed' }],
  ['spaces inside an extension value', { rfc: EXT_VALUE, text: `${HEAD}note: a  b:c`, want: 'policy' }],
  [
    'UTF-8 in an extension value',
    { rfc: EXT_VALUE, text: `${HEAD}note: d\u00e9j\u00e0 \u2713`, want: 'policy' },
  ],
  ['a tab inside an extension value', { rfc: EXT_VALUE, text: `${HEAD}note: a\tb`, want: 'malformed' }],
  ['a CTL in an extension value', { rfc: EXT_VALUE, text: `${HEAD}note: a\u0001`, want: 'malformed' }],
  ['an A-label mx', { rfc: A_LABEL, text: `${HEAD}mx: xn--mx-lja.example`, want: 'policy' }],
  ['a U-label mx', { rfc: A_LABEL, text: `${HEAD}mx: m\u00f8x.example`, want: 'malformed' }],
  ['an mx that is no domain', { rfc: MX, text: `${HEAD}mx: b@d!`, want: 'malformed' }],
  ['an mx with two wildcards', { rfc: MX, text: `${HEAD}mx: *.*.example`, want: 'malformed' }],
  ['an mx with a partial-label wildcard', { rfc: MX, text: `${HEAD}mx: mx*.example`, want: 'malformed' }],
  ['an mx with a trailing dot', { rfc: MX, text: `${HEAD}mx: mx.example.`, want: 'malformed' }],
  ['an mx in capitals', { rfc: MX, text: HEAD.replace('mx.example.com', 'MX.Example.COM'), want: 'policy' }],
  [
    'a malformed mx in mode none',
    { rfc: MX, text: 'version: STSv1\nmode: none\nmax_age: 1\nmx: b@d!', want: 'malformed' },
  ],
  [
    'Version in capitals is an extension',
    { rfc: CASE, text: HEAD.replace('version', 'Version'), want: 'invalid' },
  ],
  ['mode in capitals', { rfc: CASE, text: HEAD.replace('enforce', 'Enforce'), want: 'malformed' }],
  ['version STSv2', { rfc: CASE, text: HEAD.replace('STSv1', 'STSv2'), want: 'malformed' }],
  ['max_age of 11 digits', { rfc: MAX_AGE, text: HEAD.replace('86400', '00000086400'), want: 'malformed' }],
  ['max_age -1', { rfc: MAX_AGE, text: HEAD.replace('86400', '-1'), want: 'malformed' }],
  ['max_age 31557601', { rfc: MAX_AGE, text: HEAD.replace('86400', '31557601'), want: 'invalid' }],
  ['max_age 0', { rfc: MAX_AGE, text: HEAD.replace('86400', '0'), want: 'policy', policy: { max_age: 0 } }],
  ['no version', { rfc: REQUIRED, text: HEAD.replace('version: STSv1\n', ''), want: 'invalid' }],
  ['enforce without mx', { rfc: REQUIRED, text: HEAD.replace('mx: mx.example.com\n', ''), want: 'invalid' }],
  ['none without mx', { rfc: REQUIRED, text: 'version: STSv1\nmode: none\nmax_age: 1', want: 'policy' }],
  ['an unknown field', { rfc: UNKNOWN, text: `${HEAD}rua: mailto:tls@example.com`, want: 'policy' }],
  [
    'a repeated mode',
    {
      rfc: REPEAT,
      text: `${HEAD}mode: testing`,
      want: 'policy',
      policy: { mode: 'enforce', duplicates: [{ field: 'mode', at: 5 }] },
    },
  ],
  [
    'a repeated max_age',
    {
      rfc: REPEAT,
      text: `max_age: 5\n${HEAD}`,
      want: 'policy',
      policy: { max_age: 5, duplicates: [{ field: 'max_age', at: 4 }] },
    },
  ],
  [
    'a repeated mode that breaks its grammar',
    { rfc: REPEAT, text: `${HEAD}mode: strict`, want: 'malformed' },
  ],
  [
    'mx repeats freely',
    { rfc: REPEAT, text: `${HEAD}mx: *.example.net`, want: 'policy', policy: { duplicates: [] } },
  ],
];

describe('RFC 8461 §3.2 policy grammar', () => {
  it.each(rules)('%s', (_label, { text, want, policy }) => {
    const result = parseMtaStsPolicy(text);
    expect(verdictOf(result)).toBe(want);
    if (policy && result.ok) expect(result.policy).toMatchObject(policy);
  });

  it('names the line and the reason of a malformed policy', () => {
    expect(parseMtaStsPolicy(`${HEAD}${'a'.repeat(33)}: x`)).toMatchObject({
      code: 'MTA_STS_POLICY_MALFORMED',
      message: expect.stringMatching(/^Policy line 5 has an invalid field name "a{33}"/) as unknown,
    });
    expect(parseMtaStsPolicy(`${HEAD}mx: b@d!`)).toMatchObject({
      message: 'Policy line 5: mx "b@d!" is not a domain name or "*." and one, in A-labels.',
    });
  });
});

describe('RFC 8461 §3.1 TXT record: a repeated id', () => {
  // §3.1: "If the number of resulting records is not one, or if the resulting record is syntactically
  // invalid, senders MUST assume the recipient domain does not have an available MTA-STS policy".
  // §3.2 ("TXT records and policy files"): of a repeated field the first counts.
  it('keeps the first id and lists the repeat', () => {
    expect(selectMtaStsRecord([['v=STSv1; id=first; id=second']])).toEqual({
      ok: true,
      record: 'v=STSv1; id=first; id=second',
      id: 'first',
      duplicates: [{ field: 'id', at: 3 }],
    });
  });

  it('refuses a repeated id that is not 1*32(ALPHA / DIGIT), since the record is then not the ABNF', () => {
    expect(selectMtaStsRecord([['v=STSv1; id=first; id=']])).toMatchObject({
      ok: false,
      code: 'MTA_STS_RECORD_INVALID',
    });
  });
});

describe('other implementations’ test vectors, through our parser', () => {
  it.each(VECTORS.map((v) => [v.from, v] as const))('%s', (_from, { text, ours }) => {
    expect(verdictOf(parseMtaStsPolicy(text))).toBe(ours);
  });

  it('explains every vector where our verdict differs from theirs, and only those', () => {
    const differs = (v: Vector) => (v.ours === 'policy' ? 'policy' : 'refused') !== v.theirs;
    expect(VECTORS.filter((v) => differs(v) !== (v.why !== undefined)).map((v) => v.from)).toEqual([]);
  });
});
