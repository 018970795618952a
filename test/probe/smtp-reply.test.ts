import fc from 'fast-check';
import {
  SMTP_MAX_LINE_LENGTH,
  SMTP_MAX_REPLY_LINES,
  SmtpProtocolError,
  SmtpReplyParser,
  ehloKeywords,
  type SmtpReply,
} from '../../src/probe/smtp-reply';

function parse(...chunks: (string | Uint8Array)[]): SmtpReply[] {
  const parser = new SmtpReplyParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/** The code of the SmtpProtocolError thrown by feeding chunks, or null when none is thrown. */
function errorCode(...chunks: (string | Uint8Array)[]): string | null {
  try {
    parse(...chunks);
    return null;
  } catch (error) {
    if (error instanceof SmtpProtocolError) return error.code;
    throw error;
  }
}

describe('SmtpReplyParser', () => {
  it('parses a single-line reply', () => {
    expect(parse('220 mx.example.com ESMTP ready\r\n')).toEqual([
      { code: 220, lines: ['mx.example.com ESMTP ready'] },
    ]);
  });

  it('accepts a bare LF terminator as well as CRLF', () => {
    expect(parse('250 ok\n')).toEqual([{ code: 250, lines: ['ok'] }]);
    expect(parse('250 ok\r\n250 again\n')).toEqual([
      { code: 250, lines: ['ok'] },
      { code: 250, lines: ['again'] },
    ]);
  });

  it('returns nothing until a line is terminated', () => {
    const parser = new SmtpReplyParser();
    expect(parser.push('250 ok')).toEqual([]);
    expect(parser.pendingBytes).toBe(6);
    expect(parser.push('\r\n')).toEqual([{ code: 250, lines: ['ok'] }]);
    expect(parser.pendingBytes).toBe(0);
  });

  it('handles a CRLF split across chunks', () => {
    const parser = new SmtpReplyParser();
    expect(parser.push('220 hi\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ code: 220, lines: ['hi'] }]);
  });

  it('accepts a code with no text, and a code with an empty text', () => {
    expect(parse('250\r\n')).toEqual([{ code: 250, lines: [''] }]);
    expect(parse('250 \r\n')).toEqual([{ code: 250, lines: [''] }]);
    expect(parse('250-\r\n250\r\n')).toEqual([{ code: 250, lines: ['', ''] }]);
  });

  it('keeps text after the separator verbatim, including extra spaces', () => {
    expect(parse('250  two spaces \r\n')).toEqual([{ code: 250, lines: [' two spaces '] }]);
  });

  it('joins continuation lines into one reply', () => {
    const replies = parse('250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 STARTTLS\r\n');
    expect(replies).toEqual([
      { code: 250, lines: ['mx.example.com', 'PIPELINING', 'SIZE 1000', 'STARTTLS'] },
    ]);
  });

  it('does not finish a reply on a continuation line', () => {
    const parser = new SmtpReplyParser();
    expect(parser.push('250-first\r\n250-second\r\n')).toEqual([]);
    expect(parser.push('250 last\r\n')).toEqual([{ code: 250, lines: ['first', 'second', 'last'] }]);
  });

  it('returns every reply completed by one chunk, in order', () => {
    expect(parse('250 a\r\n354 b\r\n221-c\r\n221 d\r\n').map((r) => r.code)).toEqual([250, 354, 221]);
  });

  it('rejects a change of code within a multi-line reply', () => {
    expect(errorCode('250-a\r\n251 b\r\n')).toBe('SMTP_MALFORMED_REPLY');
    expect(errorCode('250-a\r\n250-b\r\n350 c\r\n')).toBe('SMTP_MALFORMED_REPLY');
    expect(errorCode('250-a\r\n250 b\r\n251 c\r\n')).toBeNull();
  });

  it.each(['200', '250', '354', '421', '554', '559'])('accepts code %s', (code) => {
    expect(parse(`${code} x\r\n`)).toEqual([{ code: Number(code), lines: ['x'] }]);
  });

  it.each(['100', '199', '600', '099', '260', '591', '2a0', 'abc', '25', '2', ''])(
    'rejects code %j',
    (code) => {
      expect(errorCode(`${code} x\r\n`)).toBe('SMTP_MALFORMED_REPLY');
    },
  );

  it.each([
    ['an empty line', '\r\n'],
    ['a bare LF line', '\n'],
    ['a fourth digit', '2500 x\r\n'],
    ['a letter separator', '250x\r\n'],
    ['a tab separator', '250\tx\r\n'],
    ['leading space', ' 250 x\r\n'],
    ['a bare CR inside the line', '250 a\rb\r\n'],
    ['CR CR LF', '250 ok\r\r\n'],
    ['full-width digits', '\uff12\uff15\uff10 x\r\n'],
  ])('rejects %s', (_label, input) => {
    expect(errorCode(input)).toBe('SMTP_MALFORMED_REPLY');
  });

  it('decodes bytes as latin1', () => {
    expect(parse(Uint8Array.of(0x32, 0x32, 0x30, 0x20, 0xe9, 0xff, 0x0d, 0x0a))).toEqual([
      { code: 220, lines: ['\u00e9\u00ff'] },
    ]);
  });

  it('encodes string chunks as UTF-8 first, like a socket write would', () => {
    expect(parse('220 \u00e9\r\n')).toEqual([{ code: 220, lines: ['\u00c3\u00a9'] }]);
  });

  it('honours byteOffset of a Uint8Array view', () => {
    const whole = Buffer.from('xx250 ok\r\nyy');
    expect(parse(whole.subarray(2, 10))).toEqual([{ code: 250, lines: ['ok'] }]);
  });

  it('accepts a line of exactly the cap and rejects one byte more', () => {
    const text = (total: number) => 'a'.repeat(total - 4);
    expect(parse(`250 ${text(SMTP_MAX_LINE_LENGTH)}\r\n`)[0]?.lines[0]).toHaveLength(
      SMTP_MAX_LINE_LENGTH - 4,
    );
    expect(parse(`250 ${text(SMTP_MAX_LINE_LENGTH)}\n`)).toHaveLength(1);
    expect(errorCode(`250 ${text(SMTP_MAX_LINE_LENGTH + 1)}\r\n`)).toBe('SMTP_LINE_TOO_LONG');
  });

  it('rejects an over-long line while still buffering it, before any terminator', () => {
    const parser = new SmtpReplyParser();
    parser.push('250 ');
    expect(() => parser.push('a'.repeat(SMTP_MAX_LINE_LENGTH - 4))).not.toThrow();
    expect(parser.pendingBytes).toBe(SMTP_MAX_LINE_LENGTH);
    // A trailing CR may be half a CRLF, so it is not yet counted against the cap.
    expect(() => parser.push('\r')).not.toThrow();
    expect(parser.pendingBytes).toBe(SMTP_MAX_LINE_LENGTH + 1);
    expect(parser.push('\n')).toHaveLength(1);
    expect(errorCode('250 ', 'a'.repeat(SMTP_MAX_LINE_LENGTH - 3))).toBe('SMTP_LINE_TOO_LONG');
  });

  it('rejects a long garbage line as too long rather than waiting for its end', () => {
    expect(errorCode('x'.repeat(SMTP_MAX_LINE_LENGTH + 1))).toBe('SMTP_LINE_TOO_LONG');
    expect(errorCode('x'.repeat(SMTP_MAX_LINE_LENGTH))).toBeNull();
  });

  it(`accepts a reply of ${SMTP_MAX_REPLY_LINES} lines and rejects one more`, () => {
    const reply = (n: number) => '250-x\r\n'.repeat(n - 1) + '250 end\r\n';
    expect(parse(reply(SMTP_MAX_REPLY_LINES))[0]?.lines).toHaveLength(SMTP_MAX_REPLY_LINES);
    expect(errorCode(reply(SMTP_MAX_REPLY_LINES + 1))).toBe('SMTP_REPLY_TOO_LONG');
    // Counted per reply, not per connection.
    expect(parse(reply(SMTP_MAX_REPLY_LINES) + reply(SMTP_MAX_REPLY_LINES))).toHaveLength(2);
  });

  it('keeps failing after a protocol error', () => {
    const parser = new SmtpReplyParser();
    expect(() => parser.push('garbage\r\n')).toThrow(SmtpProtocolError);
    expect(() => parser.push('250 ok\r\n')).toThrow(SmtpProtocolError);
  });

  it('throws an Error subclass carrying a code and a bounded one-line message', () => {
    try {
      parse(`${'\u0000'.repeat(10)}${'z'.repeat(1000)}\r\n`);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(SmtpProtocolError);
      const e = error as SmtpProtocolError;
      expect(e.name).toBe('SmtpProtocolError');
      expect(e.code).toBe('SMTP_MALFORMED_REPLY');
      expect(e.message.length).toBeLessThan(200);
      expect(e.message).toMatch(/^[ -~]*$/);
    }
  });

  describe('properties', () => {
    const code = fc
      .tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 9 }))
      .map(([a, b, c]) => a * 100 + b * 10 + c);
    // Any latin1 char but CR and LF.
    const text = fc.string({
      unit: fc
        .integer({ min: 0, max: 255 })
        .filter((c) => c !== 10 && c !== 13)
        .map((c) => String.fromCharCode(c)),
      maxLength: 30,
    });
    const reply = fc.record({ code, lines: fc.array(text, { minLength: 1, maxLength: 5 }) });

    function serialise(replies: SmtpReply[], eols: boolean[], bareCodes: boolean[]): Buffer {
      let out = '';
      let n = 0;
      for (const r of replies) {
        r.lines.forEach((line, i) => {
          const last = i === r.lines.length - 1;
          const bare = last && line === '' && (bareCodes[n % bareCodes.length] ?? false);
          out += `${r.code}${bare ? '' : last ? ' ' : '-'}${line}${(eols[n % eols.length] ?? true) ? '\r\n' : '\n'}`;
          n++;
        });
      }
      return Buffer.from(out, 'latin1');
    }

    function split(bytes: Buffer, cuts: number[]): Buffer[] {
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const p of [...points, bytes.length]) {
        chunks.push(bytes.subarray(from, p));
        from = p;
      }
      return chunks;
    }

    it('parses serialised replies back, however the bytes are chunked', () => {
      fc.assert(
        fc.property(
          fc.array(reply, { maxLength: 6 }),
          fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 30 }),
          (replies, eols, bareCodes, cuts) => {
            const parser = new SmtpReplyParser();
            const got = split(serialise(replies, eols, bareCodes), cuts).flatMap((c) => parser.push(c));
            expect(got).toEqual(replies);
            expect(parser.pendingBytes).toBe(0);
          },
        ),
        { numRuns: 1000 },
      );
    });

    const noisyChunk = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 3000 }),
      fc
        .array(fc.constantFrom('250', '250-', '250 ', '\r', '\n', '\r\n', '5', '-', ' ', 'x', '421 bye'), {
          maxLength: 40,
        })
        .map((parts) => Buffer.from(parts.join(''), 'latin1')),
      fc.integer({ min: 0, max: 2 * SMTP_MAX_LINE_LENGTH }).map((n) => 'a'.repeat(n)),
    );

    it('on arbitrary bytes only returns replies or throws SmtpProtocolError', () => {
      fc.assert(
        fc.property(fc.array(noisyChunk, { maxLength: 12 }), (chunks) => {
          const parser = new SmtpReplyParser();
          try {
            for (const chunk of chunks) {
              for (const r of parser.push(chunk)) {
                expect(r.code).toBeGreaterThanOrEqual(200);
                expect(r.code).toBeLessThan(600);
                expect(r.lines.length).toBeGreaterThan(0);
              }
            }
          } catch (error) {
            if (!(error instanceof SmtpProtocolError)) throw error;
          }
        }),
        { numRuns: 1500 },
      );
    });

    it('never buffers more than the line cap plus a CR LF', () => {
      fc.assert(
        fc.property(fc.array(noisyChunk, { maxLength: 12 }), (chunks) => {
          const parser = new SmtpReplyParser();
          for (const chunk of chunks) {
            try {
              parser.push(chunk);
            } catch (error) {
              if (error instanceof SmtpProtocolError) return;
              throw error;
            }
            expect(parser.pendingBytes).toBeLessThanOrEqual(SMTP_MAX_LINE_LENGTH + 2);
          }
        }),
        { numRuns: 1500 },
      );
    });

    it('handles a large chunk of many short lines in linear time', () => {
      const big = '250-x\r\n'.repeat(150) + '250 y\r\n';
      const start = Date.now();
      expect(parse(big.repeat(2000))).toHaveLength(2000);
      expect(Date.now() - start).toBeLessThan(5000);
    });
  });
});

describe('ehloKeywords', () => {
  it('returns upper-cased first words of every line after the first', () => {
    const reply = {
      code: 250,
      lines: ['mx.example.com greets you', 'pipelining', 'SIZE 35882577', 'StartTLS'],
    };
    expect(ehloKeywords(reply)).toEqual(new Set(['PIPELINING', 'SIZE', 'STARTTLS']));
  });

  it('does not take keywords from the first (greeting) line', () => {
    expect(ehloKeywords({ code: 250, lines: ['STARTTLS'] })).toEqual(new Set());
    expect(
      ehloKeywords({ code: 250, lines: ['mx.example.com', 'AUTH PLAIN LOGIN'] }).has('MX.EXAMPLE.COM'),
    ).toBe(false);
  });

  it('ignores arguments and empty lines', () => {
    const keywords = ehloKeywords({ code: 250, lines: ['hi', 'AUTH PLAIN LOGIN', '', '  ', '8BITMIME'] });
    expect(keywords).toEqual(new Set(['AUTH', '8BITMIME']));
    expect(keywords.has('PLAIN')).toBe(false);
  });

  it('upper-cases ASCII only', () => {
    expect(ehloKeywords({ code: 250, lines: ['hi', 'x-stra\u00dfe'] })).toEqual(new Set(['X-STRA\u00dfE']));
  });

  it('works on a parsed EHLO reply', () => {
    const [reply] = parse('250-mx.example.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 REQUIRETLS\r\n');
    expect(ehloKeywords(reply!)).toEqual(new Set(['PIPELINING', 'STARTTLS', 'REQUIRETLS']));
  });
});
