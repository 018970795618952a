import fc from 'fast-check';
import {
  MTA_STS_MAX_AGE_LIMIT,
  mxMatchesPattern,
  mxMatchesPolicy,
  parseMtaStsPolicy,
  selectMtaStsRecord,
  type MtaStsPolicy,
  type MtaStsPolicyResult,
  type MtaStsRecordResult,
} from '../../src/probe/mta-sts-parse';

/** One TXT RR per string, each a single character-string. */
function select(...records: string[]): MtaStsRecordResult {
  return selectMtaStsRecord(records.map((r) => [r]));
}

function idOf(result: MtaStsRecordResult): string | null {
  return result.ok ? result.id : null;
}

function codeOf(result: MtaStsRecordResult): string {
  return result.ok ? 'OK' : result.code;
}

function policyOf(result: MtaStsPolicyResult): MtaStsPolicy {
  if (!result.ok) throw new Error(`expected a valid policy, got: ${result.message}`);
  return result.policy;
}

function messageOf(result: MtaStsPolicyResult): string {
  if (result.ok) throw new Error('expected an invalid policy');
  return result.message;
}

const BASE = 'version: STSv1\nmode: none\nmax_age: 86400\n';

describe('selectMtaStsRecord', () => {
  it('concatenates the character-strings of one record', () => {
    const result = selectMtaStsRecord([['v=STSv1; ', 'id=', 'abc123']]);
    expect(result).toEqual({ ok: true, record: 'v=STSv1; id=abc123', id: 'abc123', duplicates: [] });
  });

  it('does not concatenate separate records', () => {
    expect(codeOf(selectMtaStsRecord([['v=STSv1;'], ['id=abc']]))).toBe('MTA_STS_RECORD_INVALID');
  });

  it('decodes byte strings as latin1, split anywhere', () => {
    const bytes = Buffer.from('v=STSv1; id=abc');
    expect(idOf(selectMtaStsRecord([[bytes.subarray(0, 5), new Uint8Array(bytes.subarray(5))]]))).toBe('abc');
  });

  it('keeps non-ASCII bytes, which make the id invalid instead of vanishing', () => {
    const result = selectMtaStsRecord([[Buffer.from('v=STSv1; id=ab'), Uint8Array.of(0xe9)]]);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain('\\xe9');
  });

  it('ignores unrelated TXT records alongside the v=STSv1 one', () => {
    const result = select('google-site-verification=xyz', 'v=spf1 -all', 'v=STSv1; id=20160831085700Z;');
    expect(idOf(result)).toBe('20160831085700Z');
  });

  it.each([
    ['no records at all', []],
    ['only unrelated records', ['v=spf1 -all', 'hello world']],
    ['v=STSv12 (another version string)', ['v=STSv12; id=abc']],
    ['v=STSv10', ['v=STSv10; id=abc']],
    ['v=STSv2', ['v=STSv2; id=abc']],
    ['upper-case V', ['V=STSv1; id=abc']],
    ['lower-case stsv1', ['v=stsv1; id=abc']],
    ['leading space (v not first)', [' v=STSv1; id=abc']],
    ['v not the first field', ['id=abc; v=STSv1']],
    ['empty record', ['']],
  ])('discards records that do not begin with v=STSv1: %s', (_label, records) => {
    expect(codeOf(select(...records))).toBe('MTA_STS_NO_RECORD');
  });

  it('treats more than one v=STSv1 record as invalid, even identical ones', () => {
    const two = select('v=STSv1; id=abc', 'v=STSv1; id=abc');
    expect(codeOf(two)).toBe('MTA_STS_RECORD_INVALID');
    expect(two.ok ? '' : two.message).toContain('multiple records');
    expect(codeOf(select('v=STSv1; id=abc', 'v=STSv1'))).toBe('MTA_STS_RECORD_INVALID');
    expect(idOf(select('v=STSv1; id=abc', 'v=STSv12; id=def'))).toBe('abc');
  });

  it.each(['v=STSv1', 'v=STSv1;', 'v=STSv1 ', 'v=STSv1 ;', 'v=STSv1; ext=1', 'v=STSv1; ID=abc'])(
    'keeps %j as a v=STSv1 record but rejects it for lack of an id',
    (record) => {
      const result = select(record);
      expect(codeOf(result)).toBe('MTA_STS_RECORD_INVALID');
      expect(result.ok ? '' : result.message).toMatch(/no id/);
    },
  );

  it.each([
    ['v=STSv1;id=abc', 'abc'],
    ['v=STSv1 ; id=abc', 'abc'],
    ['v=STSv1\t;\tid=abc', 'abc'],
    ['v=STSv1; \t id=20160831085700Z  \t;', '20160831085700Z'],
    ['v=STSv1; id=abc;', 'abc'],
    ['v=STSv1; id=abc ; ', 'abc'],
    ['v=STSv1; ext=1; id=abc', 'abc'],
  ])('accepts WSP around ";" and one trailing ";": %j', (record, id) => {
    expect(idOf(select(record))).toBe(id);
  });

  it.each([
    ['no ";" after the version', 'v=STSv1 id=abc'],
    ['text between version and ";"', 'v=STSv1 x; id=abc'],
    ['";;" at the end', 'v=STSv1; id=abc;;'],
    ['";;" in the middle', 'v=STSv1;; id=abc'],
    ['";;" between fields', 'v=STSv1; id=abc;; ext=1'],
    ['trailing WSP without ";"', 'v=STSv1; id=abc '],
    ['fields without ";" between them', 'v=STSv1; id=abc ext=1'],
  ])('rejects bad delimiters: %s', (_label, record) => {
    expect(codeOf(select(record))).toBe('MTA_STS_RECORD_INVALID');
  });

  it('accepts ids of 1 to 32 ASCII letters and digits', () => {
    expect(idOf(select('v=STSv1; id=a'))).toBe('a');
    expect(idOf(select(`v=STSv1; id=${'Z9'.repeat(16)}`))).toBe('Z9'.repeat(16));
  });

  it.each([
    ['empty', 'v=STSv1; id='],
    ['33 characters', `v=STSv1; id=${'a'.repeat(33)}`],
    ['a hyphen', 'v=STSv1; id=test-123'],
    ['a dot', 'v=STSv1; id=1.2'],
    ['non-ASCII', 'v=STSv1; id=ab\u00e9'],
  ])('rejects an id that is %s', (_label, record) => {
    expect(codeOf(select(record))).toBe('MTA_STS_RECORD_INVALID');
  });

  // Was: a second id with a different value made the record invalid. RFC 8461 §3.2 says the first counts.
  it('keeps the first of repeated ids and lists the others, which must still be well-formed', () => {
    expect(select('v=STSv1; id=abc; id=abc')).toMatchObject({
      id: 'abc',
      duplicates: [{ field: 'id', at: 3 }],
    });
    expect(select('v=STSv1; id=abc; x=1; id=def')).toMatchObject({
      id: 'abc',
      duplicates: [{ field: 'id', at: 4 }],
    });
    expect(codeOf(select('v=STSv1; id=abc; id=d-f'))).toBe('MTA_STS_RECORD_INVALID');
    expect(select('v=STSv1; v=STSv1; id=abc')).toMatchObject({
      id: 'abc',
      duplicates: [{ field: 'v', at: 2 }],
    });
    expect(codeOf(select('v=STSv1; v=STSv2; id=abc'))).toBe('MTA_STS_RECORD_INVALID');
  });

  it.each([
    'v=STSv1; id=a; more=a; ext=2',
    'v=STSv1; id=a; rua=mailto:tls@example.com',
    'v=STSv1; id=a; url=https://example.com:443/x',
    'v=STSv1; id=a; x=<>',
    `v=STSv1; id=a; ${'a'.repeat(32)}=1`,
    'v=STSv1; id=a; 9a_b-c.d=1',
  ])('accepts valid extension fields (colons included): %j', (record) => {
    expect(idOf(select(record))).toBe('a');
  });

  it.each([
    ['empty value', 'v=STSv1; id=a; more='],
    ['"=" in the value', 'v=STSv1; id=a; test=='],
    ['space in the value', 'v=STSv1; id=a; x=a b'],
    ['non-ASCII value', 'v=STSv1; id=a; x=\u00e9'],
    ['control char in the value', 'v=STSv1; id=a; x=a\u0001'],
    ['name of 33 characters', `v=STSv1; id=a; ${'a'.repeat(33)}=1`],
    ['name starting with "_"', 'v=STSv1; id=a; _x=1'],
    ['name with "%"', 'v=STSv1; id=a; 1%=a'],
    ['no "="', 'v=STSv1; id=a; garbage'],
    ['empty name', 'v=STSv1; id=a; =1'],
  ])('rejects a bad extension field: %s', (_label, record) => {
    expect(codeOf(select(record))).toBe('MTA_STS_RECORD_INVALID');
  });

  it('accepts a record of 4096 characters and rejects one of 4097', () => {
    const prefix = 'v=STSv1; id=a; x=';
    expect(idOf(select(prefix + 'b'.repeat(4096 - prefix.length)))).toBe('a');
    expect(codeOf(select(prefix + 'b'.repeat(4097 - prefix.length)))).toBe('MTA_STS_RECORD_INVALID');
  });

  it('keeps messages to one short line whatever the record holds', () => {
    const result = select(`v=STSv1; id=a; ${'q'.repeat(3000)}\n\u2028\u0000`);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message.length).toBeLessThan(200);
    expect(message).toMatch(/^[ -~]*$/); // printable ASCII only: one line, no control chars
    expect(message).not.toContain('q'.repeat(81));
  });

  it('never throws on arbitrary records and gives ok only with a valid id (property)', () => {
    const part = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ maxLength: 60 }).map((s) => `v=STSv1${s}`),
      fc.constantFrom('v=STSv1; id=abc', ';', ' ', 'id=', '=', 'v=STSv1'),
      fc.uint8Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(part, { maxLength: 4 }), { maxLength: 5 }), (txt) => {
        const result = selectMtaStsRecord(txt);
        if (result.ok) {
          expect(result.record.startsWith('v=STSv1')).toBe(true);
          expect(result.id).toMatch(/^[A-Za-z0-9]{1,32}$/);
        } else {
          expect(typeof result.message).toBe('string');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every record generated from the ABNF (property)', () => {
    const wsp = fc.stringMatching(/^[ \t]{0,3}$/);
    const delim = fc.tuple(wsp, wsp).map(([a, b]) => `${a};${b}`);
    const id = fc.stringMatching(/^[A-Za-z0-9]{1,32}$/);
    const ext = fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/), fc.stringMatching(/^[!-:<>-~]{1,20}$/))
      .filter(([name]) => name !== 'id' && name !== 'v') // defined fields: a repeat is a duplicate, tested above
      .map(([name, value]) => `${name}=${value}`);
    fc.assert(
      fc.property(
        id,
        fc.array(ext, { maxLength: 3 }),
        fc.array(ext, { maxLength: 3 }),
        fc.array(delim, { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        (theId, before, after, delims, trailing) => {
          const fields = [...before, `id=${theId}`, ...after];
          const record =
            'v=STSv1' +
            fields.map((f, i) => `${delims[i % delims.length] ?? ';'}${f}`).join('') +
            (trailing ? (delims[6] ?? ';') : '');
          expect(select(record)).toEqual({ ok: true, record, id: theId, duplicates: [] });
        },
      ),
    );
  });
});

describe('parseMtaStsPolicy', () => {
  const expected: MtaStsPolicy = {
    version: 'STSv1',
    mode: 'enforce',
    mx: ['mx1.example.com', '*.example.net'],
    max_age: 86400,
    warnings: [],
    duplicates: [],
  };

  it.each([
    ['LF', 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 86400\n'],
    [
      'CRLF',
      'version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n',
    ],
    [
      'no final terminator',
      'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 86400',
    ],
    [
      'mixed endings',
      'version: STSv1\r\nmode: enforce\nmx: mx1.example.com\r\nmx: *.example.net\nmax_age: 86400',
    ],
  ])('parses a policy with %s line endings', (_label, text) => {
    expect(policyOf(parseMtaStsPolicy(text))).toEqual(expected);
  });

  // Was: blank lines were skipped. The §3.2 grammar has none, and strict senders (mox) refuse the file.
  it.each([
    ['a leading blank line', '\nversion: STSv1\nmode: none\nmax_age: 1', 1],
    ['a blank line inside', 'version: STSv1\n\nmode: none\nmax_age: 1', 2],
    ['a WSP-only line', 'version: STSv1\nmode: none\n  \nmax_age: 1', 3],
    ['two final terminators', 'version: STSv1\nmode: none\nmax_age: 1\n\n', 4],
    ['two final CRLFs', 'version: STSv1\r\nmode: none\r\nmax_age: 1\r\n\r\n', 4],
  ])('refuses %s as malformed, naming the line', (_label, text, line) => {
    const result = parseMtaStsPolicy(text);
    expect(result).toMatchObject({ ok: false, code: 'MTA_STS_POLICY_MALFORMED' });
    expect(messageOf(result)).toContain(`line ${line} `);
  });

  it('does not treat a bare CR as a line terminator', () => {
    expect(parseMtaStsPolicy('version: STSv1\rmode: none\rmax_age: 1').ok).toBe(false);
  });

  it('trims WSP around values but not around keys', () => {
    expect(
      policyOf(parseMtaStsPolicy('version:STSv1\nmode:\t enforce \t\nmx:  \t mx.example.com \nmax_age: 1 ')),
    ).toMatchObject({ mode: 'enforce', mx: ['mx.example.com'], max_age: 1 });
    // Was: "mode " was ignored as an unknown key. field-delim is ":" *WSP, so WSP before ":" is no field.
    const spaced = parseMtaStsPolicy('version: STSv1\nmode : enforce\nmax_age: 1\nmx: a.example');
    expect(spaced).toMatchObject({ ok: false, code: 'MTA_STS_POLICY_MALFORMED' });
    expect(messageOf(spaced)).toMatch(/line 2 .*"mode "/);
  });

  it('splits at the first colon, so values may hold further colons', () => {
    expect(policyOf(parseMtaStsPolicy(`${BASE}note: a:b:c\nurl: https://example.com:443/`)).mode).toBe(
      'none',
    );
    expect(messageOf(parseMtaStsPolicy('version: STSv1:x\nmode: none\nmax_age: 1'))).toMatch(/version/);
  });

  it('rejects a non-empty line without a colon, naming the line', () => {
    const message = messageOf(parseMtaStsPolicy(`${BASE}garbage here`));
    expect(message).toMatch(/line 4/);
    expect(policyOf(parseMtaStsPolicy(`${BASE}garbage: here`)).mode).toBe('none');
  });

  it('ignores unknown keys but does not let them stand in for known ones', () => {
    expect(policyOf(parseMtaStsPolicy(`${BASE}x-ext: 1\nmodes: enforce`)).mode).toBe('none');
    expect(parseMtaStsPolicy('version: STSv1\nmodes: none\nmax_age: 1').ok).toBe(false);
  });

  it('matches keys case-sensitively', () => {
    expect(messageOf(parseMtaStsPolicy('Version: STSv1\nmode: none\nmax_age: 1'))).toMatch(/no version/);
    expect(messageOf(parseMtaStsPolicy('version: STSv1\nMode: none\nmax_age: 1'))).toMatch(/no mode/);
    expect(messageOf(parseMtaStsPolicy('version: STSv1\nmode: none\nMAX_AGE: 1'))).toMatch(/no max_age/);
    expect(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 1').ok).toBe(true);
  });

  it.each(['STSv0', 'STSv10', 'STSv2', 'stsv1', '', 'STSv1 x'])('rejects version %j', (value) => {
    expect(messageOf(parseMtaStsPolicy(`version: ${value}\nmode: none\nmax_age: 1`))).toMatch(/version/);
  });

  it.each([
    ['version', 'mode: none\nmax_age: 1'],
    ['mode', 'version: STSv1\nmax_age: 1\nmx: mx.example.com'],
    ['max_age', 'version: STSv1\nmode: none'],
  ])('requires %s', (key, text) => {
    expect(messageOf(parseMtaStsPolicy(text))).toBe(`Policy has no ${key}.`);
  });

  it('rejects the empty policy', () => {
    expect(parseMtaStsPolicy('').ok).toBe(false);
  });

  it.each(['enforce', 'testing', 'none'] as const)('accepts mode %s', (mode) => {
    expect(policyOf(parseMtaStsPolicy(`version: STSv1\nmode: ${mode}\nmx: a.example\nmax_age: 1`)).mode).toBe(
      mode,
    );
  });

  it.each(['Enforce', 'ENFORCE', 'bad', '', 'enforce testing', 'report'])('rejects mode %j', (mode) => {
    expect(messageOf(parseMtaStsPolicy(`version: STSv1\nmode: ${mode}\nmx: a.example\nmax_age: 1`))).toMatch(
      /mode/,
    );
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['86400', 86400],
    ['0000086400', 86400],
    [String(MTA_STS_MAX_AGE_LIMIT), MTA_STS_MAX_AGE_LIMIT],
  ])('accepts max_age %s', (value, seconds) => {
    expect(policyOf(parseMtaStsPolicy(`version: STSv1\nmode: none\nmax_age: ${value}`)).max_age).toBe(
      seconds,
    );
  });

  it.each([
    '-1',
    '+1',
    '86400.5',
    '99999999999',
    '00000000001',
    'abc',
    '31557601',
    '9999999999',
    '1e5',
    '0x10',
    '',
    '1 2',
    '\uff18\uff16\uff14\uff10\uff10',
  ])('rejects max_age %j', (value) => {
    expect(messageOf(parseMtaStsPolicy(`version: STSv1\nmode: none\nmax_age: ${value}`))).toMatch(/max_age/);
  });

  it('collects repeated mx lines in order', () => {
    const text = 'version: STSv1\nmode: testing\nmx: a.example\nmax_age: 1\nmx: *.b.example\nmx: c.example';
    expect(policyOf(parseMtaStsPolicy(text)).mx).toEqual(['a.example', '*.b.example', 'c.example']);
  });

  it.each(['enforce', 'testing'])('requires an mx for mode %s', (mode) => {
    expect(messageOf(parseMtaStsPolicy(`version: STSv1\nmode: ${mode}\nmax_age: 1`))).toMatch(/mx/);
  });

  it('accepts mode none with no mx, and keeps mx given with none', () => {
    expect(policyOf(parseMtaStsPolicy(BASE)).mx).toEqual([]);
    expect(policyOf(parseMtaStsPolicy(`${BASE}mx: a.example`)).mx).toEqual(['a.example']);
  });

  it('rejects enforce when no mx pattern can name a host', () => {
    const text = 'version: STSv1\nmode: enforce\nmax_age: 1\nmx: 192.0.2.1\nmx: 10.0.0.1';
    const result = parseMtaStsPolicy(text);
    expect(result).toMatchObject({ ok: false, code: 'MTA_STS_POLICY_INVALID' });
    expect(messageOf(result)).toMatch(/at least one valid mx/);
  });

  it.each([
    ['version', 'version: STSv1\nversion: STSv1\nmode: none\nmax_age: 1', 2],
    ['mode', 'version: STSv1\nmode: none\nmode: none\nmax_age: 1', 3],
    ['max_age', 'version: STSv1\nmode: none\nmax_age: 86400\nmax_age: 0086400', 4],
  ])('accepts a repeated %s with the same value and lists the repeat', (key, text, at) => {
    expect(policyOf(parseMtaStsPolicy(text)).duplicates).toEqual([{ field: key, at }]);
  });

  // Was: a repeat with a different value made the policy invalid. RFC 8461 §3.2: the first counts.
  it.each([
    ['mode', 'version: STSv1\nmode: none\nmode: enforce\nmx: a.example\nmax_age: 1', { mode: 'none' }],
    ['max_age', 'version: STSv1\nmode: none\nmax_age: 86400\nmax_age: 1', { max_age: 86400 }],
  ])('uses the first of a repeated %s with a different value', (_key, text, want) => {
    expect(policyOf(parseMtaStsPolicy(text))).toMatchObject(want);
  });

  it.each([
    ['version', 'version: STSv1\nversion: STSv2\nmode: none\nmax_age: 1'],
    ['mode', 'version: STSv1\nmode: none\nmode: strict\nmax_age: 1'],
    ['max_age', 'version: STSv1\nmode: none\nmax_age: 1\nmax_age: 12345678901'],
  ])('still refuses a repeated %s whose value breaks its grammar', (key, text) => {
    const result = parseMtaStsPolicy(text);
    expect(result).toMatchObject({ ok: false, code: 'MTA_STS_POLICY_MALFORMED' });
    expect(messageOf(result)).toMatch(new RegExp(`line \\d: ${key}`));
  });

  it.each([
    ['MX1.Example.COM', 'mx1.example.com'],
    ['*.EXAMPLE.com', '*.example.com'],
    ['xn--mx-lja.example', 'xn--mx-lja.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
    [`${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`, null],
    ['localhost', 'localhost'],
    ['1.example', '1.example'],
    ['a-b.example', 'a-b.example'],
  ])('normalises valid mx pattern %j', (raw, want) => {
    const policy = policyOf(parseMtaStsPolicy(`${BASE}mx: ${raw}`));
    expect(policy.mx).toEqual([want ?? raw]);
    expect(policy.warnings).toEqual([]);
  });

  it('drops an IPv4-shaped mx pattern with a warning: it matches the grammar but names no host', () => {
    const policy = policyOf(parseMtaStsPolicy(`${BASE}mx: 192.0.2.1\nmx: good.example`));
    expect(policy.mx).toEqual(['good.example']);
    expect(policy.warnings).toHaveLength(1);
    expect(policy.warnings[0]).toMatch(/mx pattern "192.0.2.1"/);
  });

  // Was: dropped with a warning while the other patterns still counted. Such a file is not the grammar.
  it.each([
    ['trailing dot', 'mx.example.com.'],
    ['bracketed IP literal', '[192.0.2.1]'],
    ['IPv6 literal', '2001:db8::1'],
    ['two wildcards', '*.*.example'],
    ['double star', '**.example'],
    ['wildcard not leftmost', 'mx.*.example'],
    ['partial-label wildcard', 'mx*.example'],
    ['bare wildcard', '*'],
    ['wildcard with empty parent', '*.'],
    ['U-label', 'møx.example'],
    ['Kelvin sign (lower-cases to k)', '\u212a.example'],
    ['trailing hyphen', 'test.example-'],
    ['leading hyphen', '-a.example'],
    ['empty label', 'a..example'],
    ['underscore', 'mx_1.example'],
    ['64-character label', `${'a'.repeat(64)}.example`],
    ['254 characters', `${'a'.repeat(62)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`],
    ['empty value', ''],
    ['two names', 'a.example b.example'],
  ])('refuses the policy for an mx that is not ["*."] Domain: %s', (_label, raw) => {
    const result = parseMtaStsPolicy(`${BASE}mx: ${raw}\nmx: good.example`);
    expect(result).toMatchObject({ ok: false, code: 'MTA_STS_POLICY_MALFORMED' });
    expect(messageOf(result)).toMatch(/^Policy line 4: mx /);
  });

  it('accepts 64 KiB and rejects larger input, counting UTF-8 bytes', () => {
    const pad = (n: number) => `x: ${'a'.repeat(n - BASE.length - 3)}`;
    expect(parseMtaStsPolicy(BASE + pad(65536)).ok).toBe(true);
    expect(messageOf(parseMtaStsPolicy(BASE + pad(65537)))).toMatch(/64 KiB/);
    const wide = `${BASE}x: ${'\u00e9'.repeat(33000)}`; // 33k chars but 66k bytes
    expect(wide.length).toBeLessThan(65536);
    expect(messageOf(parseMtaStsPolicy(wide))).toMatch(/64 KiB/);
  });

  it('keeps messages and warnings to one short line and echoes at most 80 input characters', () => {
    const hostile = `${'Q'.repeat(5000)}\u0000\u2028`;
    const results = [
      messageOf(parseMtaStsPolicy(`version: STSv1\nmode: ${hostile}\nmax_age: 1`)),
      messageOf(parseMtaStsPolicy(`version: STSv1\nmode: none\nmax_age: ${hostile}`)),
      messageOf(parseMtaStsPolicy(`${BASE}${hostile}`)),
      messageOf(parseMtaStsPolicy(`${BASE}mx: ${hostile}`)),
      messageOf(parseMtaStsPolicy(`${BASE}x: a\t${hostile}`)),
    ];
    for (const message of results) {
      expect(message.length).toBeLessThan(200);
      expect(message).toMatch(/^[ -~]*$/); // printable ASCII only: one line, no control chars
      expect(message).not.toContain('Q'.repeat(81));
    }
  });

  it('never throws on arbitrary text and is ok only with a mode and max_age in range (property)', () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(
        'version: STSv1',
        'mode: enforce',
        'mode: none',
        'mode: testing',
        'max_age: 86400',
        'mx: a.b',
      ),
      fc
        .tuple(fc.constantFrom('version', 'mode', 'max_age', 'mx'), fc.string({ maxLength: 12 }))
        .map(([k, v]) => `${k}:${v}`),
    );
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .array(line, { maxLength: 10 })
        .chain((lines) => fc.constantFrom(lines.join('\n'), lines.join('\r\n'))),
    );
    fc.assert(
      fc.property(text, (input) => {
        const result = parseMtaStsPolicy(input);
        if (result.ok) {
          expect(['enforce', 'testing', 'none']).toContain(result.policy.mode);
          expect(Number.isInteger(result.policy.max_age)).toBe(true);
          expect(result.policy.max_age).toBeGreaterThanOrEqual(0);
          expect(result.policy.max_age).toBeLessThanOrEqual(MTA_STS_MAX_AGE_LIMIT);
          if (result.policy.mode !== 'none') expect(result.policy.mx.length).toBeGreaterThan(0);
        } else {
          expect(result.message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on huge input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 20000, maxLength: 40000 }), (input) => {
        expect(typeof parseMtaStsPolicy(input).ok).toBe('boolean');
      }),
      { numRuns: 20 },
    );
  });

  it('round-trips a generated policy through LF or CRLF with WSP around values (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
    const host = fc
      .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
      .map(([labels, tld]) => [...labels, tld].join('.'));
    const pattern = fc.tuple(fc.boolean(), host).map(([wild, h]) => (wild ? `*.${h}` : h));
    const policy = fc
      .record({
        mode: fc.constantFrom('enforce' as const, 'testing' as const, 'none' as const),
        mx: fc.array(pattern, { maxLength: 4 }),
        max_age: fc.integer({ min: 0, max: MTA_STS_MAX_AGE_LIMIT }),
      })
      .filter((p) => p.mode === 'none' || p.mx.length > 0);
    const wsp = fc.stringMatching(/^[ \t]{0,3}$/);
    fc.assert(
      fc.property(
        policy,
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.tuple(wsp, wsp), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        (p, eol, pads, upper, finalEol) => {
          const pad = (i: number, v: string) => {
            const [before, after] = pads[i % pads.length] ?? ['', ''];
            return `${before}${v}${after}`;
          };
          const lines = [
            `version:${pad(0, 'STSv1')}`,
            `mode:${pad(1, p.mode)}`,
            ...p.mx.map((m, i) => `mx:${pad(3 + i, upper ? m.toUpperCase() : m)}`),
            `max_age:${pad(2, String(p.max_age))}`,
            'ext:ignored value',
          ];
          const text = lines.join(eol) + (finalEol ? eol : '');
          expect(parseMtaStsPolicy(text)).toEqual({
            ok: true,
            policy: { version: 'STSv1', ...p, warnings: [], duplicates: [] },
          });
        },
      ),
    );
  });
});

describe('mxMatchesPattern / mxMatchesPolicy', () => {
  it.each([
    ['mx1.example.com', '*.example.com'],
    ['MX1.EXAMPLE.COM', '*.example.com'],
    ['mx1.example.com', '*.EXAMPLE.com'],
    ['mx1.example.com.', '*.example.com'],
    ['mx1.example.com', '*.example.com.'],
    ['mx.example.com', 'mx.example.com'],
    ['Mx.Example.Com.', 'mx.example.com'],
  ])('%j matches %j', (host, pattern) => {
    expect(mxMatchesPattern(host, pattern)).toBe(true);
  });

  it.each([
    ['example.com', '*.example.com', 'bare parent'],
    ['a.b.example.com', '*.example.com', 'two labels deep'],
    ['mx1.example.com.evil', '*.example.com', 'suffix trick'],
    ['mx1example.com', '*.example.com', 'no label boundary'],
    ['mx1.example.com.evil', 'mx1.example.com', 'exact with extra label'],
    ['mx2.example.com', 'mx1.example.com', 'different exact'],
    ['example.com', 'mx.example.com', 'parent of exact'],
    ['mx.example.com', '*.*.example.com', 'invalid pattern'],
    ['a.example.com', '*a.example.com', 'partial wildcard'],
    ['*.example.com', '*.example.com', 'wildcard host'],
    ['k.example', '\u212a.example', 'Kelvin-sign pattern'],
    ['\u212a.example', 'k.example', 'Kelvin-sign host'],
    ['', '*.example.com', 'empty host'],
    ['mx.example.com', '', 'empty pattern'],
    ['mx.example.com..', 'mx.example.com', 'two trailing dots'],
  ])('%j does not match %j (%s)', (host, pattern) => {
    expect(mxMatchesPattern(host, pattern)).toBe(false);
  });

  it('matches a policy when any pattern matches, and not when none does', () => {
    expect(mxMatchesPolicy('mx2.example.net', ['mx1.example.com', '*.example.net'])).toBe(true);
    expect(mxMatchesPolicy('example.net', ['mx1.example.com', '*.example.net'])).toBe(false);
    expect(mxMatchesPolicy('mx1.example.com', [])).toBe(false);
  });

  it('wildcard covers every one-label child, never the parent or a deeper child (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
    const parent = fc
      .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
      .map(([labels, tld]) => [...labels, tld].join('.'));
    fc.assert(
      fc.property(parent, label, label, (p, child, grandchild) => {
        const pattern = `*.${p}`;
        expect(mxMatchesPattern(`${child}.${p}`, pattern)).toBe(true);
        expect(mxMatchesPattern(`${child.toUpperCase()}.${p}.`, pattern)).toBe(true);
        expect(mxMatchesPattern(p, pattern)).toBe(false);
        expect(mxMatchesPattern(`${grandchild}.${child}.${p}`, pattern)).toBe(false);
        expect(mxMatchesPattern(`${child}.${p}.evil`, pattern)).toBe(false);
      }),
    );
  });
});
