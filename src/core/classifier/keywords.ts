/**
 * Built-in context words, found in one pass with one case-insensitive regular expression. Positive
 * categories raise a candidate's confidence (or are required for it); `lookalike` words name the things that
 * pass a checksum by chance (order, invoice and phone numbers, postcodes, dates...) and rule a candidate out
 * when they label it directly.
 */

export type KeywordCategory = 'bsn' | 'ssn' | 'card' | 'medical' | 'passport' | 'lookalike' | 'notcard';

const KEYWORDS: Readonly<Record<KeywordCategory, readonly string[]>> = {
  bsn: [
    'bsn',
    'bsn-nummer',
    'bsnnummer',
    'bsn nr',
    'burgerservicenummer',
    'burger service nummer',
    'burgerservice nummer',
    'burgerservicenr',
    'sofinummer',
    'sofi-nummer',
    'sofi nummer',
    'sofinr',
    'sofi',
    'persoonsnummer',
    'persoonsgebonden nummer',
    'citizen service number',
    'citizen service no',
    'citizen service nr',
    'dutch social security number',
    'dutch social security no',
    'sofi number',
    'fiscaal nummer',
    'fiscaal identificatienummer',
    'bsn/sofinummer',
  ],
  ssn: [
    'ssn',
    'ssns',
    'ssn#',
    'ss#',
    'ss #',
    'social security',
    'social security number',
    'social security no',
    'social security #',
    'social security card',
    'soc sec',
    'soc. sec.',
    'social sec',
    'ssa',
  ],
  card: [
    'credit card',
    'creditcard',
    'credit cards',
    'creditcards',
    'debit card',
    'debitcard',
    'card number',
    'card no',
    'card nr',
    'cardnumber',
    'card #',
    'card num',
    'kaartnummer',
    'kaart nummer',
    'kaartnr',
    'creditcardnummer',
    'creditcardgegevens',
    'credit card details',
    'card details',
    'kaartgegevens',
    'betaalkaart',
    'bankkaart',
    'bankpas',
    'pinpas',
    'visa',
    'visa card',
    'mastercard',
    'master card',
    'amex',
    'american express',
    'maestro',
    'jcb',
    'diners club',
    'diners',
    'discover card',
    'unionpay',
    'union pay',
    'cvv',
    'cvc',
    'cvv2',
    'cvc2',
    'security code',
    'beveiligingscode',
    'card verification',
    'cardholder',
    'card holder',
    'kaarthouder',
    'expiry',
    'expiry date',
    'expiration',
    'expiration date',
    'exp',
    'exp.',
    'exp date',
    'expires',
    'valid thru',
    'valid through',
    'good thru',
    'vervaldatum',
    'geldig tot',
    'verloopdatum',
    'vervalt',
  ],
  medical: [
    'diagnose',
    'diagnoses',
    'diagnosis',
    'diagnosecode',
    'diagnosis code',
    'gediagnosticeerd',
    'diagnosed',
    'patiënt',
    'patient',
    'patiënte',
    'patiënten',
    'patients',
    'behandeling',
    'behandelplan',
    'behandelend',
    'treatment',
    'treated',
    'medisch',
    'medische',
    'medical',
    'medisch dossier',
    'medical record',
    'medical records',
    'prescription',
    'prescribed',
    'recept',
    'voorgeschreven',
    'huisarts',
    'general practitioner',
    'arts',
    'doctor',
    'dokter',
    'physician',
    'ziekenhuis',
    'hospital',
    'kliniek',
    'clinic',
    'polikliniek',
    'icd',
    'icd-10',
    'icd10',
    'verwijzing',
    'verwijsbrief',
    'referral',
    'ontslagbrief',
    'discharge',
    'anamnese',
    'medicatie',
    'medication',
    'symptomen',
    'symptoms',
    'ggz',
    'psychiater',
    'psychiatrist',
    'psycholoog',
    'psychologist',
    'therapie',
    'therapy',
    'bedrijfsarts',
    'occupational physician',
    'arbodienst',
    'arbo-arts',
    'ziekmelding',
    'sick leave',
    'ziekteverzuim',
    'zorgverlener',
    'healthcare',
    'aandoening',
    'ziekte',
    'disease',
    'disorder',
    'stoornis',
    'klachten',
    'specialist',
    'cardioloog',
    'neuroloog',
    'oncoloog',
    'consult',
    'spreekuur',
    'zorgverzekeraar',
  ],
  passport: [
    'paspoort',
    'paspoortnummer',
    'paspoortnr',
    'paspoortgegevens',
    'passport',
    'passport number',
    'passport no',
    'passport nr',
    'passportnumber',
    'passport details',
    'reisdocument',
    'reisdocumenten',
    'reisdocumentnummer',
    'travel document',
    'documentnummer',
    'document number',
    'document no',
    'identiteitskaart',
    'id-kaart',
    'idkaart',
    'id kaart',
    'identity card',
    'id card',
    'id-card',
    'identiteitsbewijs',
    'identity document',
    'legitimatiebewijs',
    'nummer identiteitsbewijs',
  ],
  lookalike: [
    'order',
    'orders',
    'order number',
    'order no',
    'order nr',
    'order id',
    'ordernummer',
    'ordernr',
    'bestelnummer',
    'bestelnr',
    'bestelling',
    'factuur',
    'factuurnummer',
    'factuurnr',
    'invoice',
    'invoice number',
    'invoice no',
    'tel',
    'tel.',
    'telefoon',
    'telefoonnummer',
    'telnr',
    'tel.nr',
    'phone',
    'phone number',
    'mobile',
    'mobiel',
    'mobiele nummer',
    'fax',
    'gsm',
    'bel',
    'call',
    'whatsapp',
    'kvk',
    'kvk-nummer',
    'kvknummer',
    'kamer van koophandel',
    'chamber of commerce',
    'btw',
    'btw-nummer',
    'btw-id',
    'btw nummer',
    'vat',
    'vat number',
    'vat id',
    'tracking',
    'tracking number',
    'tracking code',
    'track & trace',
    'track and trace',
    'track&trace',
    'trackingnummer',
    'trackingcode',
    'zendingnummer',
    'zending',
    'shipment',
    'pakket',
    'parcel',
    'pakketnummer',
    'klantnummer',
    'customer number',
    'customer id',
    'customer no',
    'rekeningnummer',
    'relatienummer',
    'lidnummer',
    'member number',
    'membership number',
    'referentie',
    'referentienummer',
    'reference',
    'reference number',
    'ref',
    'ref.',
    'kenmerk',
    'betalingskenmerk',
    'payment reference',
    'ticket',
    'ticketnummer',
    'case number',
    'zaaknummer',
    'dossiernummer',
    'polisnummer',
    'policy number',
    'contractnummer',
    'contract number',
    'artikelnummer',
    'article number',
    'sku',
    'ean',
    'barcode',
    'serial number',
    'serienummer',
    'serial no',
    'postcode',
    'zip',
    'zip code',
    'datum',
    'date',
    'geboortedatum',
    'date of birth',
    'dob',
    'boekingsnummer',
    'booking',
    'booking reference',
    'booking number',
    'reservering',
    'reserveringsnummer',
    'reservation',
    'confirmation number',
    'bevestigingsnummer',
    'pnr',
    'transactie',
    'transactienummer',
    'transaction',
    'transaction id',
    'bedrag',
    'amount',
    'totaal',
    'total',
    'eur',
    'euro',
    'usd',
    'bic',
    'swift',
    'kenteken',
    'license plate',
    'vluchtnummer',
    'flight',
    'routing number',
    'aba',
    'sort code',
    'pincode',
    'version',
    'versie',
    'build',
  ],
  // Numbers on these cards pass Luhn and sit in card IIN ranges, but are not payment cards.
  notcard: [
    'ov-chipkaart',
    'ov chipkaart',
    'ovchipkaart',
    'imei',
    'giftcard',
    'gift card',
    'cadeaukaart',
    'cadeaubon',
    'klantenkaart',
    'loyalty card',
    'bonuskaart',
    'spaarkaart',
    'tankpas',
    'simkaart',
    'sim card',
    'iccid',
  ],
};

const WORD_CHAR = /[0-9A-Za-z_]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lowercase, separators dropped: the key under which a matched phrase finds its category. */
function keyOf(phrase: string): string {
  return phrase.toLowerCase().replace(/[\s-]+/g, '');
}

const CATEGORY_BY_KEY = new Map<string, KeywordCategory>();
const alternatives: string[] = [];
for (const category of Object.keys(KEYWORDS) as KeywordCategory[]) {
  for (const phrase of KEYWORDS[category]) {
    CATEGORY_BY_KEY.set(keyOf(phrase), category);
    // A space or hyphen in a phrase also matches no separator or several: "credit-card", "creditcard".
    const body = escapeRegExp(phrase).replace(/[ -]/g, '[\\s-]*');
    const first = phrase.charAt(0);
    const last = phrase.charAt(phrase.length - 1);
    alternatives.push(`${WORD_CHAR.test(first) ? '\\b' : ''}${body}${WORD_CHAR.test(last) ? '\\b' : ''}`);
  }
}
// Longest first, so "social security number" wins over "social security" at the same position.
alternatives.sort((a, b) => b.length - a.length);
const KEYWORD_RE = new RegExp(alternatives.join('|'), 'gi');

/** Every built-in keyword hit, by category, each list sorted by position. */
export class KeywordIndex {
  private readonly starts = new Map<KeywordCategory, number[]>();
  private readonly ends = new Map<KeywordCategory, number[]>();
  /** All hits in text order, for "which label stands right before this number". */
  private readonly allEnds: number[] = [];
  private readonly allCategories: KeywordCategory[] = [];

  constructor(text: string) {
    KEYWORD_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = KEYWORD_RE.exec(text)) !== null) {
      const category = CATEGORY_BY_KEY.get(keyOf(m[0]));
      if (category === undefined) continue;
      const end = m.index + m[0].length;
      let starts = this.starts.get(category);
      let ends = this.ends.get(category);
      if (!starts || !ends) {
        starts = [];
        ends = [];
        this.starts.set(category, starts);
        this.ends.set(category, ends);
      }
      starts.push(m.index);
      ends.push(end);
      this.allEnds.push(end);
      this.allCategories.push(category);
    }
  }

  has(category: KeywordCategory): boolean {
    return this.starts.has(category);
  }

  /**
   * Distance in characters from [start, end) to the nearest hit of `category` (0 when they touch or
   * overlap), or Infinity when there is none within `within`.
   */
  distance(category: KeywordCategory, start: number, end: number, within: number): number {
    const starts = this.starts.get(category);
    const ends = this.ends.get(category);
    if (!starts || !ends) return Infinity;
    // First hit whose end is at or after start - within; hits do not overlap, so ends are sorted too.
    let lo = 0;
    let hi = ends.length;
    const from = start - within;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] ?? 0) < from) lo = mid + 1;
      else hi = mid;
    }
    let best = Infinity;
    for (let k = lo; k < starts.length; k++) {
      const s = starts[k] ?? 0;
      const e = ends[k] ?? 0;
      if (s > end + within) break;
      const d = e <= start ? start - e : s >= end ? s - end : 0;
      if (d < best) best = d;
      if (s >= end) break;
    }
    return best <= within ? best : Infinity;
  }

  /** The category of the last hit that ends at or before `position`, at most `within` characters back. */
  labelBefore(position: number, within: number): KeywordCategory | null {
    const ends = this.allEnds;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] ?? 0) <= position) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0 || position - (ends[k] ?? 0) > within) return null;
    return this.allCategories[k] ?? null;
  }
}
