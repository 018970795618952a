/**
 * Built-in context words, found in one pass with one case-insensitive regular expression. Positive
 * categories raise a candidate's confidence (or are required for it); `lookalike` and `generic` words name the
 * things that pass a checksum by chance (order, invoice and phone numbers, dates...) and rule a candidate out
 * when they label it directly; `notcard` and `notmedical` words rule out cards and ICD-10 codes nearby.
 */

export type KeywordCategory =
  | 'bsn'
  | 'ssn'
  | 'card'
  | 'diagnostic'
  | 'medical'
  | 'passport'
  | 'lookalike'
  | 'generic'
  | 'notcard'
  | 'notmedical';

/** Keywords count within this many characters, as in Microsoft Purview. */
export const CONTEXT_WINDOW = 300;

/**
 * Phrases by category, "|"-separated; "a{b,c}d" stands for "abd|acd" (one group per phrase, an alternative
 * may be empty). A space or hyphen in a phrase also matches none or several ("credit card", "creditcard",
 * "credit-card"); a trailing "s" is optional (plurals).
 */
const KEYWORDS: Readonly<Record<KeywordCategory, string>> = {
  bsn:
    'bsn{, nummer, nr,/sofinummer}|burger service {nummer,nr}|sofi{, nummer, nr, number}|' +
    'persoons{nummer,gebonden nummer}|citizen service {number,no,nr}|dutch social security {number,no}|' +
    'fiscaal {nummer,identificatienummer}',
  ssn: 'ssn|social security{, number, no, card}|soc{ sec,. sec,ial sec}|ssa',
  card:
    'credit card{, nummer, gegevens, details}|debit card|card {number,no,nr,num,details,verification,holder}|' +
    'kaart {nummer,nr,gegevens}|{betaal,bank} kaart|{bank,pin,betaal}pas|visa{, card}|master card|amex|' +
    'american express|maestro|jcb|diners{, club}|discover card|union pay|cv{v,c,v2,c2}|security code|' +
    'beveiligingscode|kaarthouder|expir{y,y date,ation,ation date,es,ing}|exp{, date}|valid {thru,through}|' +
    'good thru|vervaldatum|geldig tot|verloopdatum|vervalt|card on file|uatp|dankort|rupay|hipercard|mir card',
  // Words that name a diagnosis: enough context even for a bare three-character code ("Diagnose: I10").
  diagnostic:
    'diagnos{e,is,ed,e code,is code}|gediagnosticeerd|{hoofd,neven,werk}diagnose|differentiaal diagnose|dx|' +
    'icd{, 10, code}|problem list|probleemlijst|aandoening{,en}|comorbiditeit|comorbidity',
  medical:
    'pati{ënt,ent,ënte,ënten}|behandel{ing,plan,end,d}|treat{ment,ed}|medisch{,e, dossier}|medical{, record}|' +
    'medicijnen|medicine|medicati{e,on}|prescri{ption,bed}|recept|voorgeschreven|{huis,bedrijfs,arbo ,}arts|' +
    'general practitioner|doctor|dokter|{,occupational }physician|ziekenhuis|hospital|{,poli}kliniek|clinic|' +
    'verwij{zing,sbrief}|referral|ontslagbrief|discharge|anamnese|symptom{en,}|ggz|psychiat{er,rist}|' +
    'psycholo{og,gist}|therap{ie,y}|arbodienst|ziek{melding,teverzuim,te}|sick leave|zorgverlener|healthcare|' +
    'disease|disorder|stoornis|klachten|specialist|{cardio,neuro,onco}loog|consult|spreekuur|zorgverzekeraar',
  passport:
    'paspoort{, nummer, nr, gegevens}|passport{, number, no, nr, details}|reisdocument{,en, nummer, nr}|' +
    '{travel,identity} document|document {nr,nummer,number,no}|identiteitskaart{, nummer}|' +
    'id {kaart,card,kaart nummer}|identity card|identiteitsbewijs|legitimatiebewijs',
  // Look-alike labels (the one table of them). Specific ones name a kind of number that is not personal data
  // and rule out a number they label, whatever else the sentence says. Compounds such as "ordernummer",
  // "klantnr" or "account number" count as specific without an entry: the word right before a number is
  // checked for them (labels.ts).
  lookalike:
    'tel{,efoon}|phone|mobile|mobiel|fax|gsm|bel|call|whatsapp|kvk|kamer van koophandel|chamber of commerce|' +
    'btw|vat|track{ing, & trace, and trace}|payment reference|sku|ean|zip|datum|date{, of birth}|geboortedatum|' +
    'dob|pnr|bedrag|amount|totaal|total|eur{,o}|usd|bic|swift|kenteken|license plate|flight|aba|version|versie|' +
    'build',
  // Generic ones name a thing a number may be for (an order, a booking, a file): they rule a number out
  // unless a keyword of its type, or for a card an expiry date, stands in the same sentence.
  generic:
    'order|bestelling|boeking|booking|reservering|reservation|factuur|invoice|rekening|referentie|reference|' +
    'ref|kenmerk|transactie|transaction|ticket|dossier|file|zending|shipment|pakket|parcel',
  // Numbers on these cards pass Luhn and sit in card IIN ranges, but are not payment cards.
  notcard:
    'ov {chipkaart,kaart}|{transit,travel,oyster,gift,loyalty,sim,member} card|imei|cadeau{ kaart,bon}|' +
    'klanten {kaart,pas}|{bonus,spaar,sim} kaart|tankpas|iccid|member{ship, number}|lidmaatschap{,s pas}|' +
    '{leden,sportschool} pas|lid nummer',
  // Vehicles, fuel and devices: their codes (E10 petrol, a C80 router, boiler error E10) look like ICD-10.
  notmedical:
    'auto|car|motor|engine|garage|monteur|mechanic|apk|benzine|petrol|gasoline|fuel|brandstof|diesel|tanken|' +
    'router|modem|printer|wifi|foutcode|error code|cv ketel|boiler|wasmachine',
};

/** The phrases of a list, its "{…}" groups spelt out. */
function phrasesOf(list: string): string[] {
  const phrases: string[] = [];
  for (const item of list.split('|')) {
    const [head = '', choices = '', tail = ''] = item.split(/[{}]/);
    for (const choice of choices.split(',')) phrases.push(head + choice + tail);
  }
  return phrases;
}

/** Lowercase letters and digits only: the key under which a matched phrase finds its category. */
function keyOf(phrase: string): string {
  return phrase.toLowerCase().replace(/[^0-9a-z\xe0-\xff]+/g, '');
}

const CATEGORY_BY_KEY = new Map<string, KeywordCategory>();

/** Matched texts repeat ("BSN", "IBAN"), so their categories are remembered (bounded); null for none. */
const categoryCache = new Map<string, KeywordCategory | null>();

/** The category of a matched text; a plural "s" is tried off when the phrase has none. */
function categoryOf(matched: string): KeywordCategory | null {
  let category = categoryCache.get(matched);
  if (category === undefined) {
    const key = keyOf(matched);
    category =
      CATEGORY_BY_KEY.get(key) || (key.endsWith('s') && CATEGORY_BY_KEY.get(key.slice(0, -1))) || null;
    if (categoryCache.size >= 5000) categoryCache.clear();
    categoryCache.set(matched, category);
  }
  return category;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}

/**
 * The phrases as one regular expression shaped like a trie, \b(?:b(?:sn|urger...)|c(?:...))s?\b: the engine
 * rejects most positions on the first letter, where a flat alternation of 300 phrases would try each one
 * (15x slower). Longer continuations come first, so the longest phrase wins.
 */
function trieSource(node: TrieNode): string {
  const branches = [...node.next.entries()]
    .map(([atom, child]) => atom + trieSource(child))
    .sort((a, b) => b.length - a.length);
  if (branches.length === 0) return '';
  const group = branches.length === 1 ? branches[0] || '' : `(?:${branches.join('|')})`;
  return node.end ? `(?:${group})?` : group;
}

const root: TrieNode = { next: new Map(), end: false };
for (const category of Object.keys(KEYWORDS) as KeywordCategory[]) {
  for (const phrase of phrasesOf(KEYWORDS[category])) {
    CATEGORY_BY_KEY.set(keyOf(phrase), category);
    let node = root;
    for (const c of phrase) {
      // A space or hyphen also matches none or several: "credit card", "creditcard", "credit-card".
      const atom = c === ' ' || c === '-' ? '[\\s-]*' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      let child = node.next.get(atom);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(atom, child);
      }
      node = child;
    }
    node.end = true;
  }
}
const KEYWORD_RE = new RegExp(`\\b(?:${trieSource(root)})s?\\b`, 'gi');

/** The index of the first element of ascending `sorted` that is at least `value` (its length if none). */
export function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] || 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every built-in keyword hit, by category, each list sorted by position. */
export interface KeywordIndex {
  has(category: KeywordCategory): boolean;
  /** Whether a hit of `category` lies wholly inside [from, to). */
  inRange(category: KeywordCategory, from: number, to: number): boolean;
  /**
   * Distance in characters from [start, end) to the nearest hit of `category` (0 when they touch or
   * overlap), or Infinity when there is none within `within`.
   */
  distance(category: KeywordCategory, start: number, end: number, within: number): number;
  /** The last hit that ends at or before `position`, at most `within` characters back. */
  labelBefore(position: number, within: number): { category: KeywordCategory; end: number } | null;
}

// A closure rather than a class: the core ships in the add-in, and local names minify where members do not.
export function indexKeywords(text: string): KeywordIndex {
  /** Per category, the starts and the ends of its hits. */
  const hits = new Map<KeywordCategory, [number[], number[]]>();
  const NONE: [number[], number[]] = [[], []];
  /** All hits in text order, for "which label stands right before this number". */
  const allEnds: number[] = [];
  const allCategories: KeywordCategory[] = [];

  KEYWORD_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEYWORD_RE.exec(text)) !== null) {
    const category = categoryOf(m[0]);
    if (category === null) continue;
    const end = KEYWORD_RE.lastIndex;
    let hit = hits.get(category);
    if (!hit) hits.set(category, (hit = [[], []]));
    hit[0].push(m.index);
    hit[1].push(end);
    allEnds.push(end);
    allCategories.push(category);
  }

  return {
    has: (category) => hits.has(category),
    inRange(category, from, to) {
      const [s, e] = hits.get(category) || NONE;
      const k = lowerBound(s, from);
      return k < s.length && (e[k] || 0) <= to;
    },
    distance(category, start, end, within) {
      const [s, e] = hits.get(category) || NONE;
      // Hits do not overlap, so ends are sorted too: from the first that ends at or after start - within.
      let best = Infinity;
      for (let k = lowerBound(e, start - within); k < s.length; k++) {
        const hitStart = s[k] || 0;
        const hitEnd = e[k] || 0;
        if (hitStart > end + within) break;
        const d = hitEnd <= start ? start - hitEnd : hitStart >= end ? hitStart - end : 0;
        if (d < best) best = d;
        if (hitStart >= end) break;
      }
      return best <= within ? best : Infinity;
    },
    labelBefore(position, within) {
      const k = lowerBound(allEnds, position + 1) - 1;
      const end = allEnds[k];
      const category = allCategories[k];
      return end === undefined || category === undefined || position - end > within
        ? null
        : { category, end };
    },
  };
}
