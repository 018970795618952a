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
