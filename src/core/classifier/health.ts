/**
 * ICD-10 codes as health data. A code needs medical context, and the words around it must not make it a
 * road, room, seat, vitamin, product model or fuel: "E11.9" and "I10" look like "A12", "B12" and "E10".
 */
import { CONTEXT_WINDOW, type KeywordIndex } from './keywords';
import { isAlnum, isLetter, previousWord, type Labels } from './labels';
import { maskIcd } from './mask';
import type { Candidate } from './numbers';

/** A code: a capital, two digits (a run of exactly two), and maybe a subdivision. Read in place. */
const ICD10 = /[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?/y;
/** Words that, right before a code, make it a road, route or version rather than a diagnosis. */
const ICD_FUNCTION_WORDS = new Set(
  'de|het|the|via|op|naar|over|on|to|take|snelweg|rijksweg|afrit|highway|motorway'.split('|'),
);
/** Things with numbered places or models: one or two words before a code ("balie B12", "seat is C14"). */
const ICD_NOUNS = new Set(
  (
    'route|weg|room|kamer|lokaal|zaal|gate|seat|stoel|rij|row|vak|tafel|table|bus|lijn|line|flight|vlucht|' +
    'formulier|form|model|type|versie|version|artikel|article|sectie|section|hoofdstuk|chapter|pagina|page|' +
    'bijlage|appendix|vitamine|vitamin|formaat|format|size|maat|kenteken|klasse|class|level|niveau|blok|' +
    'block|unit|toren|tower|gebouw|building|verdieping|floor|parkeerplaats|parking|locatie|location|stand|' +
    'hal|hall|cel|cell|kolom|column|veld|field|spoor|track|perron|platform|balie|desk|counter|afdeling|' +
    'department|ward|bed|wachtkamer|receptie|reception|vleugel|wing|zone|gang|corridor|build|release'
  ).split('|'),
);
const ICD_AFTER = new Set(
  'richting|direction|afrit|exit|km|north|south|noord|zuid|oost|west|northbound|southbound|ter|bij'.split(
    '|',
  ),
);
/** After a diagnosis code in a list or sentence: punctuation, the end, or a conjunction. */
const LIST_CONJUNCTIONS = new Set('en|and|of|or|met|with|plus'.split('|'));
/** Between a medical word and the code it labels: "treatment for I10", "behandeling voor I10". */
const PREPOSITIONS = new Set('for|voor|of|van|with|met|wegens|bij'.split('|'));
/** A product name before a code: "TP-Link C80", "PlayStation E10" (a hyphen or capital inside the word). */
const PRODUCT = /[A-Za-z]-[A-Za-z]|[a-z][A-Z]/;

function wordAfter(text: string, position: number): string {
  let p = position;
  while (p < text.length && p - position < 3 && text.charCodeAt(p) === 32) p++;
  const start = p;
  while (p < text.length && p - start < 20 && isLetter(text.charCodeAt(p))) p++;
  return text.slice(start, p).toLowerCase();
}

/** Whether a bare code ends a phrase or list item, as a diagnosis does ("I10, E78.5", "J45 (asthma)"). */
function endsPhrase(text: string, end: number): boolean {
  let p = end;
  while (p < text.length && p - end < 3 && text.charCodeAt(p) === 32) p++;
  if (p >= text.length || /[,;.:()/\n\r\t]/.test(text.charAt(p))) return true;
  return LIST_CONJUNCTIONS.has(wordAfter(text, end));
}

/** The ICD-10 code that may start at `start` (a capital before a run of two digits), as a candidate. */
export function icdAt(
  text: string,
  start: number,
  keywords: KeywordIndex,
  labels: Labels,
  out: Candidate[],
): void {
  ICD10.lastIndex = start;
  const m = ICD10.exec(text);
  if (!m) return;
  const end = start + m[0].length;
  const b1 = text.charCodeAt(start - 1);
  const a1 = text.charCodeAt(end);
  if (isAlnum(b1) || isAlnum(a1)) return;
  if ((b1 === 45 || b1 === 46 || b1 === 47) && isAlnum(text.charCodeAt(start - 2))) return;
  if ((a1 === 45 || a1 === 46 || a1 === 47) && isAlnum(text.charCodeAt(end + 1))) return;
  // In a table the column header is the word before ("Zaal" above "B12").
  const before = labels.word(start);
  const twoBefore = before ? previousWord(text, before.start) : null;
  if (
    (before && (ICD_FUNCTION_WORDS.has(before.text) || ICD_NOUNS.has(before.text))) ||
    (twoBefore && ICD_NOUNS.has(twoBefore.text)) ||
    ICD_AFTER.has(wordAfter(text, end))
  )
    return;
  // The medical word that labels the code, if any: right before it, or before a preposition.
  const named = before && PREPOSITIONS.has(before.text) ? twoBefore : before;
  const hit = named && keywords.labelBefore(named.end, 0);
  const label = hit && hit.category;
  const bare = !m[0].includes('.');
  if (bare && label !== 'diagnostic') {
    // A bare code beside a vehicle, fuel or device, or after a product name, is a model or a grade.
    const [from, to] = labels.sentence(start, end);
    if (keywords.inRange('notmedical', from, to)) return;
    const word = previousWord(text, start);
    if (label !== 'medical' && word && PRODUCT.test(text.slice(word.start - 2, word.end))) return;
  }
  // A word naming a diagnosis supports any code; general medical words support a code they label, one
  // with a subdivision (E11.9), or a bare one (I10) that stands as a list item rather than a name
  // ("G20 summit").
  let distance = label === 'diagnostic' || label === 'medical' ? 0 : Infinity;
  if (distance === Infinity) distance = keywords.distance('diagnostic', start, end, CONTEXT_WINDOW);
  if (distance === Infinity && (!bare || endsPhrase(text, end)))
    distance = keywords.distance('medical', start, end, CONTEXT_WINDOW);
  if (distance !== Infinity)
    out.push({ type: 'health', confidence: 85, start, end, masked: maskIcd(m[0]), evidence: distance });
}
