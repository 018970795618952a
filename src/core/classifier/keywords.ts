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
 * Phrases by category, "|"-separated. A space or hyphen in a phrase also matches none or several ("credit
 * card", "creditcard", "credit-card"); a trailing "s" is optional (plurals).
 */
const KEYWORDS: Readonly<Record<KeywordCategory, string>> = {
  bsn:
    'bsn|bsn nummer|bsn nr|burger service nummer|burger service nr|sofi nummer|sofi nr|sofi|persoonsnummer|' +
    'persoonsgebonden nummer|citizen service number|citizen service no|citizen service nr|' +
    'dutch social security number|dutch social security no|sofi number|fiscaal nummer|' +
    'fiscaal identificatienummer|bsn/sofinummer',
  ssn: 'ssn|social security|social security number|social security no|social security card|soc sec|soc. sec|social sec|ssa',
  card:
    'credit card|debit card|card number|card no|card nr|card num|kaart nummer|kaart nr|credit card nummer|' +
    'credit card gegevens|credit card details|card details|kaart gegevens|betaal kaart|bank kaart|bankpas|' +
    'pinpas|visa|visa card|master card|amex|american express|maestro|jcb|diners club|diners|discover card|' +
    'union pay|cvv|cvc|cvv2|cvc2|security code|beveiligingscode|card verification|card holder|kaarthouder|' +
    'expiry|expiry date|expiration|expiration date|exp|exp date|expires|valid thru|valid through|' +
    'good thru|vervaldatum|geldig tot|verloopdatum|vervalt|expiring|card on file|betaalpas|uatp|dankort|rupay|' +
    'hipercard|mir card',
  // Words that name a diagnosis: enough context even for a bare three-character code ("Diagnose: I10").
  diagnostic:
    'diagnose|diagnosis|diagnose code|diagnosis code|gediagnosticeerd|diagnosed|hoofddiagnose|' +
    'nevendiagnose|werkdiagnose|differentiaal diagnose|dx|icd|icd 10|icd code|problem list|probleemlijst|' +
    'aandoening|aandoeningen|comorbiditeit|comorbidity',
  medical:
    'patiënt|patient|patiënte|patiënten|behandeling|behandelplan|behandelend|behandeld|treatment|treated|' +
    'medisch|medische|medical|medisch dossier|medical record|medicijnen|medicine|prescription|prescribed|' +
    'recept|voorgeschreven|huisarts|general practitioner|arts|doctor|dokter|physician|ziekenhuis|hospital|' +
    'kliniek|clinic|polikliniek|verwijzing|verwijsbrief|referral|ontslagbrief|discharge|anamnese|medicatie|' +
    'medication|symptomen|symptom|ggz|psychiater|psychiatrist|psycholoog|psychologist|therapie|therapy|' +
    'bedrijfsarts|occupational physician|arbodienst|arbo arts|ziekmelding|sick leave|ziekteverzuim|' +
    'zorgverlener|healthcare|ziekte|disease|disorder|stoornis|klachten|specialist|cardioloog|neuroloog|' +
    'oncoloog|consult|spreekuur|zorgverzekeraar',
  passport:
    'paspoort|paspoort nummer|paspoort nr|paspoort gegevens|passport|passport number|passport no|passport nr|' +
    'passport details|reisdocument|reisdocumenten|reisdocument nummer|reisdocument nr|document nr|travel document|document nummer|' +
    'document number|document no|identiteitskaart|id kaart|identity card|id card|identiteitsbewijs|' +
    'identity document|legitimatiebewijs|identiteitskaart nummer|id kaart nummer',
  // Look-alike labels (the one table of them). Specific ones name a kind of number that is not personal data
  // and rule out a number they label, whatever else the sentence says. Compounds such as "ordernummer",
  // "klantnr" or "account number" count as specific without an entry: the word right before a number is
  // checked for them (labels.ts).
  lookalike:
    'tel|telefoon|phone|mobile|mobiel|fax|gsm|bel|call|whatsapp|kvk|kamer van koophandel|chamber of commerce|' +
    'btw|vat|tracking|track & trace|track and trace|payment reference|sku|ean|zip|datum|date|geboortedatum|' +
    'date of birth|dob|pnr|bedrag|amount|totaal|total|eur|euro|usd|bic|swift|kenteken|license plate|flight|' +
    'aba|version|versie|build',
  // Generic ones name a thing a number may be for (an order, a booking, a file): they rule a number out
  // unless a keyword of its type, or for a card an expiry date, stands in the same sentence.
  generic:
    'order|bestelling|boeking|booking|reservering|reservation|factuur|invoice|rekening|referentie|reference|' +
    'ref|kenmerk|transactie|transaction|ticket|dossier|file|zending|shipment|pakket|parcel',
  // Numbers on these cards pass Luhn and sit in card IIN ranges, but are not payment cards.
  notcard:
    'ov chipkaart|ov kaart|transit card|travel card|oyster card|imei|gift card|cadeau kaart|cadeaubon|' +
    'klanten kaart|klanten pas|loyalty card|bonus kaart|spaar kaart|tankpas|sim kaart|sim card|iccid|' +
    'membership|member card|member number|lidmaatschap|lidmaatschaps pas|leden pas|lid nummer|sportschool pas',
  // Vehicles, fuel and devices: their codes (E10 petrol, a C80 router, boiler error E10) look like ICD-10.
  notmedical:
    'auto|car|motor|engine|garage|monteur|mechanic|apk|benzine|petrol|gasoline|fuel|brandstof|diesel|tanken|' +
    'router|modem|printer|wifi|foutcode|error code|cv ketel|boiler|wasmachine',
};

/** Lowercase letters and digits only: the key under which a matched phrase finds its category. */
function keyOf(phrase: string): string {
  return phrase.toLowerCase().replace(/[^0-9a-z\xe0-\xff]+/g, '');
}

const CATEGORY_BY_KEY = new Map<string, KeywordCategory>();

/** Matched texts repeat ("BSN", "IBAN"), so their categories are remembered (bounded). */
const categoryCache = new Map<string, KeywordCategory | undefined>();

/** The category of a matched text; a plural "s" is tried off when the phrase has none. */
function categoryOf(matched: string): KeywordCategory | undefined {
  if (categoryCache.has(matched)) return categoryCache.get(matched);
  const key = keyOf(matched);
  const category =
    CATEGORY_BY_KEY.get(key) || (key.endsWith('s') ? CATEGORY_BY_KEY.get(key.slice(0, -1)) : undefined);
  if (categoryCache.size >= 5000) categoryCache.clear();
  categoryCache.set(matched, category);
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
  for (const phrase of KEYWORDS[category].split('|')) {
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
  const starts = new Map<KeywordCategory, number[]>();
  const ends = new Map<KeywordCategory, number[]>();
  /** All hits in text order, for "which label stands right before this number". */
  const allEnds: number[] = [];
  const allCategories: KeywordCategory[] = [];

  KEYWORD_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEYWORD_RE.exec(text)) !== null) {
    const category = categoryOf(m[0]);
    if (category === undefined) continue;
    const end = m.index + m[0].length;
    const s = starts.get(category) || [];
    const e = ends.get(category) || [];
    starts.set(category, s);
    ends.set(category, e);
    s.push(m.index);
    e.push(end);
    allEnds.push(end);
    allCategories.push(category);
  }

  return {
    has: (category) => starts.has(category),
    inRange(category, from, to) {
      const s = starts.get(category) || [];
      const k = lowerBound(s, from);
      return k < s.length && ((ends.get(category) || [])[k] || 0) <= to;
    },
    distance(category, start, end, within) {
      const s = starts.get(category) || [];
      const e = ends.get(category) || [];
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
