import { htmlToText, normalizeText } from '../../src/core/classifier/normalize';

describe('normalizeText', () => {
  it('returns ASCII text unchanged', () => {
    const text = 'IBAN NL91 ABNA 0417 1643 00, tel. 020-1234567';
    expect(normalizeText(text)).toBe(text);
  });

  it('turns full-width digits and letters into ASCII (NFKC)', () => {
    expect(normalizeText('４１１１ １１１１ ＮＬ９１')).toBe('4111 1111 NL91');
  });

  it('removes zero-width, soft hyphen and bidi characters, so they cannot split a number', () => {
    expect(normalizeText('111\u200b222\u200c333\u00ad\u200e\u202a\u2066\ufeff')).toBe('111222333');
  });

  it('makes no-break and other spaces plain spaces, and Unicode dashes hyphens', () => {
    expect(normalizeText('NL91\u00a0ABNA\u202f0417\u2009x')).toBe('NL91 ABNA 0417 x');
    expect(normalizeText('123\u2011456\u2013782\u2212')).toBe('123-456-782-');
  });

  it('composes accents so keywords written with combining marks still match', () => {
    expect(normalizeText('patie\u0308nt')).toBe('patiënt');
  });
});

describe('normalizeText run by run', () => {
  // The whole text through NFKC and the same replacements: what normalising only the runs of characters
  // beyond ASCII and Latin-1 letters must equal.
  const reference = (text: string): string =>
    text
      .normalize('NFKC')
      .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-')
      .replace(/[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
      .replace(
        // eslint-disable-next-line no-misleading-character-class -- the combining marks are what must go
        /[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff]/g,
        '',
      );

  it('equals NFKC of the whole text, also where a mark joins the letter before its run', () => {
    const marks = ['\u0301', '\u0308', '\u0323', '\u0327', '\u3099', '\u0bbe', '\u1161', '\u11a8'];
    const samples: string[] = [];
    for (let code = 0x80; code < 0x10000; code += 7) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const c = String.fromCharCode(code);
      const mark = marks[code % marks.length] ?? '';
      samples.push(`a${c}b`, `e${mark}${c}`, `\u00e9${mark}${c}${mark}x`, `${c}${mark}1`, `1${c}\u00a0${c}2`);
    }
    const text = samples.join(' ');
    expect(normalizeText(text)).toBe(reference(text));
    for (const sample of samples) expect(normalizeText(sample)).toBe(reference(sample));
  });

  it('leaves text as it is when no run changes (euro sign, curly quotes, Latin-1 letters)', () => {
    const text = `Prijs \u20ac 12, \u2018quote\u2019, caf\u00e9 ${'x'.repeat(1000)}`;
    expect(normalizeText(text)).toBe(text);
    expect(reference(text)).toBe(text);
  });
});

describe('htmlToText', () => {
  it('drops inline tags without adding spaces, so split numbers stay whole', () => {
    expect(htmlToText('<b>4111</b><span>1111</span> <i>1111</i> 1111')).toBe('41111111 1111 1111');
  });

  it('turns blocks and line breaks into new lines and table cells into tabs', () => {
    expect(htmlToText('<p>a</p><div>b<br>c</div><table><tr><td>x</td><td>y</td></tr></table>')).toBe(
      '\na\n\nb\nc\n\n\n\tx\ty\n\n',
    );
  });

  it('ignores script, style, title and comments, including numbers in them', () => {
    const text = htmlToText(
      '<head><title>4111</title><style>.a{content:"4111"}</style></head><script>var x = "4111";</script><!-- 4111 -->ok',
    );
    expect(text).toBe('ok');
  });

  it('decodes named and numeric entities; unknown ones stay', () => {
    expect(htmlToText('Pati&euml;nt&nbsp;&amp;&#32;&#x41;&lt;&foo;')).toBe('Patiënt\u00a0& A<&foo;');
  });

  it('collapses white space as a browser does', () => {
    expect(htmlToText('<p>BSN:\n   123\n456</p>')).toBe('\nBSN: 123 456\n');
  });

  it('collapses a run of white space that inline tags or comments interrupt, not one a block ends', () => {
    expect(htmlToText('a \n<b> \t</b>\n b')).toBe('a b');
    expect(htmlToText('a\n<!-- c -->  b<i></i> <i></i> c')).toBe('a b c');
    expect(htmlToText('a \n<p>\n b</p>  <td>\t c')).toBe('a \n b\n \t c');
    // Only space, tab, line feed, carriage return and form feed are white space to HTML.
    expect(htmlToText('a\u000b \u00a0 b\f\r\nc')).toBe('a\u000b \u00a0 b c');
  });

  it('looks up only the listed entities: a name the lookup table inherits is left alone', () => {
    expect(htmlToText('&toString; &constructor; &hasOwnProperty; &shy;x')).toBe(
      '&toString; &constructor; &hasOwnProperty; x',
    );
  });

  it('keeps a ">" inside quoted attributes from ending the tag', () => {
    expect(htmlToText('<a title="a > b" href=\'x>y\'>link</a>')).toBe('link');
  });

  it('treats a lone "<" as text and an unterminated tag as the end', () => {
    expect(htmlToText('a < b and 3<4')).toBe('a < b and 3<4');
    expect(htmlToText('text <span unterminated')).toBe('text ');
  });

  it('stays linear on hostile markup', () => {
    for (const hostile of [
      '<a "'.repeat(50_000),
      '<'.repeat(200_000),
      '<!--'.repeat(50_000),
      '<script>'.repeat(30_000),
    ]) {
      const started = Date.now();
      htmlToText(hostile);
      // Quadratic behaviour would take minutes here; linear takes milliseconds.
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });
});
