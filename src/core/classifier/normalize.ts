/**
 * Text normalisation before detection, so formatting cannot hide data: HTML to text, NFKC (full-width digits
 * become ASCII), no-break and other spaces to a plain space, Unicode dashes to "-", and invisible characters
 * (zero-width, soft hyphen, bidi controls) removed. Finding offsets refer to the normalised text.
 */

// Zero-width and formatting characters that render as nothing (ZWSP/ZWNJ/ZWJ, LRM/RLM, bidi embeddings and
// isolates, word joiner and invisible operators, BOM, soft hyphen, CGJ, Arabic letter mark, Mongolian vowel
// separator, variation selectors), spaces that are not U+0020, and dashes that are not "-". One pass finds
// them all; the replacement depends on which. The lookahead lets the engine skip ASCII at once (4x faster).
const SPECIAL =
  // eslint-disable-next-line no-misleading-character-class -- the combining marks in it are what must go
  /(?=[\xa0-\uffff])[\xa0\xad\u034f\u061c\u1680\u180e\u2000-\u2015\u202a-\u202f\u205f-\u2064\u2066-\u2069\u2212\u3000\ufe00-\ufe0f\ufe58\ufe63\ufeff\uff0d]/g;
/**
 * Runs of characters beyond printable ASCII and the Latin-1 letters: NFKC leaves those alone and never joins
 * them to what stands before them, so a run is normalised with the character before it (it may join that).
 */
const RUN = /[^\t-~\xc0-\xff]+/g;

function replacement(c: string): string {
  const code = c.charCodeAt(0);
  if (
    (code >= 0x2010 && code <= 0x2015) ||
    code === 0x2212 ||
    code === 0xfe58 ||
    code === 0xfe63 ||
    code === 0xff0d
  )
    return '-';
  if (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  )
    return ' ';
  return '';
}

/**
 * Normalises plain text, run by run: most mail has few runs and none changes, and then the text itself is
 * returned, without a copy (which costs more than the normalising on a large text).
 */
export function normalizeText(text: string): string {
  let out = '';
  let last = 0;
  RUN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RUN.exec(text)) !== null) {
    const from = m.index && m.index - 1;
    const raw = text.slice(from, RUN.lastIndex);
    let run = raw;
    try {
      run = run.normalize('NFKC');
    } catch {
      // normalize is ES2015, and some embedded engines lack it or its ICU data: ASCII digits still work
    }
    run = run.replace(SPECIAL, replacement);
    if (run !== raw) {
      out += text.slice(last, from) + run;
      last = RUN.lastIndex;
    }
  }
  return last ? out + text.slice(last) : text;
}

const BLOCK_TAGS = new Set(
  (
    'address|article|aside|blockquote|br|caption|center|dd|div|dl|dt|fieldset|figcaption|figure|footer|form|h1|h2|h3|h4|' +
    'h5|h6|header|hr|legend|li|main|nav|ol|p|pre|section|table|tbody|tfoot|thead|tr|ul'
  ).split('|'),
);
const CELL_TAGS = new Set(['td', 'th']);
/** Elements whose content is never shown. */
const RAW_TAGS = new Set(['script', 'style', 'template', 'title', 'noscript']);

/** The named entities that can hide or carry data in mail: spaces, invisibles, dashes, accented letters. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  zwnj: '',
  zwj: '',
  lrm: '',
  rlm: '',
  ndash: '-',
  mdash: '-',
  hyphen: '-',
  minus: '-',
  sol: '/',
  colon: ':',
  period: '.',
  num: '#',
  euro: '\u20ac',
  eacute: '\u00e9',
  egrave: '\u00e8',
  euml: '\u00eb',
  iuml: '\u00ef',
  ouml: '\u00f6',
  uuml: '\u00fc',
  auml: '\u00e4',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    ENTITY,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED_ENTITIES[name] ?? whole;
      const code = dec !== undefined ? Number(dec) : parseInt(hex || '', 16);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    },
  );
}

// Sticky, read in place: no slice per tag. A name runs at most to the tag's ">".
const TAG_NAME = /\/?([A-Za-z][A-Za-z0-9:-]*)/y;
const rawEndCache = new Map<string, RegExp>();

function rawEnd(name: string): RegExp {
  let re = rawEndCache.get(name);
  if (!re) {
    re = new RegExp(`</${name}[\\s/>]`, 'gi');
    rawEndCache.set(name, re);
  }
  return re;
}

/**
 * HTML to the text a reader sees, in one linear pass: tags dropped (inline ones without a space, so
 * `<b>4111</b>1111` stays one number), block elements become line breaks and table cells tabs, script and
 * style content and comments vanish, white space collapses as a browser does, entities are decoded.
 */
export function htmlToText(input: string): string {
  // eslint-disable-next-line no-control-regex -- these two are the markers used below
  const html = input.replace(/[\x01\x02]/g, '');
  const out: string[] = [];
  const n = html.length;
  let i = 0;
  let textStart = 0;
  // Once a quote character has no closing partner further on, no later tag can have one either.
  let noMoreDouble = false;
  let noMoreSingle = false;

  // Text is collected raw and cleaned in one pass at the end; the line breaks and tabs that elements stand
  // for are marked with \u0001 and \u0002 meanwhile (removed from the input), so that collapsing the
  // source's white space keeps them.
  const flushText = (end: number): void => {
    if (end > textStart) out.push(html.slice(textStart, end));
  };

  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    const isLetter = (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
    if (!(isLetter || next === 47 /* / */ || next === 33 /* ! */ || next === 63) /* ? */) {
      i = lt + 1;
      continue;
    }
    flushText(lt);
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      textStart = i;
      continue;
    }
    // Find the tag's end, skipping quoted attribute values.
    let j = lt + 1;
    let end = -1;
    while (j < n) {
      const c = html.charCodeAt(j);
      if (c === 62 /* > */) {
        end = j;
        break;
      }
      if ((c === 34 && !noMoreDouble) || (c === 39 && !noMoreSingle)) {
        const close = html.indexOf(c === 34 ? '"' : "'", j + 1);
        if (close < 0) {
          if (c === 34) noMoreDouble = true;
          else noMoreSingle = true;
          j++;
          continue;
        }
        j = close + 1;
        continue;
      }
      j++;
    }
    if (end < 0) {
      // An unterminated tag runs to the end of the input, as in a browser.
      textStart = n;
      break;
    }
    TAG_NAME.lastIndex = lt + 1;
    const match = TAG_NAME.exec(html);
    const name = ((match && match[1]) || '').toLowerCase();
    const closing = html.charCodeAt(lt + 1) === 47;
    i = end + 1;
    if (!closing && RAW_TAGS.has(name) && html.charCodeAt(end - 1) !== 47) {
      const re = rawEnd(name);
      re.lastIndex = i;
      const found = re.exec(html);
      if (found) {
        const close = html.indexOf('>', found.index);
        i = close < 0 ? n : close + 1;
      } else i = n;
    } else if (BLOCK_TAGS.has(name)) out.push('\u0001');
    else if (CELL_TAGS.has(name) && !closing) out.push('\u0002');
    textStart = i;
  }
  flushText(n);
  return decodeEntities(
    out
      .join('')
      // Only runs that are not already one space: most of the text's spaces stay as they are.
      .replace(/[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+/g, ' ')
      .split('\u0001')
      .join('\n')
      .split('\u0002')
      .join('\t'),
  );
}
