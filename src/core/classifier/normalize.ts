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

/** Unicode dashes become "-", spaces " ", the invisible characters nothing. */
function replacement(c: string): string {
  return /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/.test(c)
    ? '-'
    : /[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]/.test(c)
      ? ' '
      : '';
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

/**
 * What a tag stands for in the text, by kind: 1 a line break (block elements), 2 a tab before a table cell,
 * 3 content never shown (raw text elements).
 */
const TAG_KINDS = new Map<string, number>();
(
  'address|article|aside|blockquote|br|caption|center|dd|div|dl|dt|fieldset|figcaption|figure|footer|form|h1|' +
  'h2|h3|h4|h5|h6|header|hr|legend|li|main|nav|ol|p|pre|section|table|tbody|tfoot|thead|tr|ul td|th ' +
  'script|style|template|title|noscript'
)
  .split(' ')
  .forEach((names, kind) => {
    for (const name of names.split('|')) TAG_KINDS.set(name, kind + 1);
  });

/**
 * The named entities that can hide or carry data in mail (spaces, invisibles, dashes, accented letters), as
 * name and text, ","-separated.
 */
const NAMED_ENTITIES = new Map<string, string>();
for (const entry of (
  'amp&,lt<,gt>,quot",apos\',nbsp\u00a0,ensp ,emsp ,thinsp ,shy,zwnj,zwj,lrm,rlm,ndash-,mdash-,hyphen-,minus-,' +
  'sol/,colon:,period.,num#,euro\u20ac,eacute\u00e9,egrave\u00e8,euml\u00eb,iuml\u00ef,ouml\u00f6,uuml\u00fc,auml\u00e4'
).split(',')) {
  const name = entry.replace(/[^a-z]+$/, '');
  NAMED_ENTITIES.set(name, entry.slice(name.length));
}

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    ENTITY,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED_ENTITIES.get(name) ?? whole;
      const code = dec !== undefined ? Number(dec) : parseInt(hex || '', 16);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    },
  );
}

const rawEndCache = new Map<string, RegExp>();

function rawEnd(name: string): RegExp {
  let re = rawEndCache.get(name);
  if (!re) {
    re = new RegExp(`</${name}[\\s/>]`, 'gi');
    rawEndCache.set(name, re);
  }
  return re;
}

/** White space as HTML collapses it: every run of it but a lone space (which stays as it is). */
const COLLAPSE = /[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+/g;

/**
 * HTML to the text a reader sees, in one linear pass: tags dropped (inline ones without a space, so
 * `<b>4111</b>1111` stays one number), block elements become line breaks and table cells tabs, script and
 * style content and comments vanish, every run of white space in the source becomes one space (across
 * inline tags, not across the breaks and tabs elements stand for), entities are decoded last.
 */
export function htmlToText(input: string): string {
  // Removed as they always were (they once marked breaks and tabs), so the same input gives the same text.
  // Looked for with indexOf first: it skims a text many times faster than a character class.
  const html =
    input.indexOf('\x01') < 0 && input.indexOf('\x02') < 0
      ? input
      : // eslint-disable-next-line no-control-regex -- these two are what is removed
        input.replace(/[\x01\x02]/g, '');
  const n = html.length;
  let out = '';
  /** The output ends in a space: white space right after it joins it. */
  let space = false;
  let i = 0;
  let textStart = 0;
  // Once a quote character has no closing partner further on, no later tag can have one either.
  let noMoreDouble = false;
  let noMoreSingle = false;
  /**
   * The next run of white space to collapse at or after where it was last looked for: one search serves
   * every stretch of text before it, so text without such runs costs no search per stretch.
   */
  let runStart = -1;
  let runEnd = 0;

  const emit = (text: string): void => {
    if (space && text.charCodeAt(0) === 32) text = text.slice(1);
    if (text) {
      out += text;
      space = text.charCodeAt(text.length - 1) === 32;
    }
  };

  /** The text from textStart to `end`, each run of white space in it one space. */
  const flushText = (end: number): void => {
    let from = textStart;
    // Between two tags there is often nothing.
    if (from >= end) return;
    for (;;) {
      if (runStart < from) {
        COLLAPSE.lastIndex = from;
        const run = COLLAPSE.exec(html);
        runStart = run ? run.index : n;
        runEnd = COLLAPSE.lastIndex;
      }
      // A run never reaches past the text it is in: a tag starts with "<".
      if (runStart >= end) break;
      emit(html.slice(from, runStart));
      if (!space) out += ' ';
      space = true;
      from = runEnd;
    }
    emit(html.slice(from, end));
  };

  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    const closing = next === 47; /* / */
    if (!(isAsciiLetter(next) || closing || next === 33 /* ! */ || next === 63) /* ? */) {
      i = lt + 1;
      continue;
    }
    flushText(lt);
    if (next === 33 && html.startsWith('<!--', lt)) {
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
    // The name: a letter, then letters, digits, ":" and "-" (it ends before the ">").
    const from = closing ? lt + 2 : lt + 1;
    let to = from;
    if (isAsciiLetter(html.charCodeAt(from))) while (to < end && isNameChar(html.charCodeAt(to))) to++;
    const name = html.slice(from, to).toLowerCase();
    const kind = TAG_KINDS.get(name);
    i = end + 1;
    if (kind === 3 && !closing && html.charCodeAt(end - 1) !== 47) {
      const re = rawEnd(name);
      re.lastIndex = i;
      const found = re.exec(html);
      if (found) {
        const close = html.indexOf('>', found.index);
        i = close < 0 ? n : close + 1;
      } else i = n;
    } else if (kind === 1 || (kind === 2 && !closing)) {
      out += kind === 1 ? '\n' : '\t';
      space = false;
    }
    textStart = i;
  }
  flushText(n);
  return decodeEntities(out);
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNameChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 58) /* 0-9 : */ || c === 45; /* - */
}
