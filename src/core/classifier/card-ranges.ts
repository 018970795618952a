import { luhn } from './checksums';

/**
 * Payment card issuer (IIN) ranges and lengths: the one table the card detector reads.
 *
 * Source: braintree/credit-card-type 10.3.0, lib/card-types (MIT; published 2026-07-10, read 2026-12-06 from
 * the npm registry). Not listed there, from Wikipedia's "Payment card number" IIN table (recalled, not
 * re-read on 2026-12-06; check it at the next review): UATP, Dankort, RuPay, Discover's 622126-622925,
 * Diners 3095 and 14-19 digits, Visa 13 digits. Left out: credit-card-type's catch-all Maestro "6" (a
 * fallback for partial input, not a range), JCB's old 15-digit 1800/2131, and 12-digit Maestro (the detector
 * reads 13-19 digits: twelve is every other reference number). Covered by broader entries: Elo's and Troy's
 * 4/62/63/65 ranges, Hiper (63), Naranja (4, 52, 58), Verve (50, 65), InterPayment and InstaPayment (63).
 *
 * Each brand: "prefixes:lengths"; a prefix is one value or "from-to" of equal width, a length one value or
 * "min-max". The first brand that fits wins, so a narrower range comes before a broader one it lies in.
 */
const CARD_RANGES = {
  dankort: '5019:16',
  elo: '504175,506699-506778,509:16',
  hipercard: '606282:16',
  mir: '2200-2204:16-19',
  visa: '4:13,16,18,19',
  mastercard: '51-55,2221-2720:16',
  amex: '34,37:15',
  diners: '300-305,3095,36,38-39:14-19',
  discover: '6011,622126-622925,644-649,65:16-19',
  jcb: '3528-3589:16-19',
  unionpay: '62,8100-8171:14-19',
  rupay: '60,508,353,356,81,82:16',
  maestro: '493698,500000-504174,504176-506698,506779-508999,56-59,63,67:13-19',
  troy: '9792:16',
  uatp: '1:15',
} as const;

export type CardBrand = keyof typeof CARD_RANGES;

/** One row per prefix range: six-digit bounds ("4" covers 400000-499999), a bit per length, the brand. */
const LOW: number[] = [];
const HIGH: number[] = [];
const LENGTHS: number[] = [];
const BRANDS: CardBrand[] = [];

// (No padEnd or Object.entries: the classic Outlook runtime is ES2016.)
for (const brand of Object.keys(CARD_RANGES) as CardBrand[]) {
  const [prefixes = '', lengths = ''] = CARD_RANGES[brand].split(':');
  let bits = 0;
  for (const part of lengths.split(',')) {
    const [min = '', max = min] = part.split('-');
    for (let n = Number(min); n <= Number(max); n++) bits |= 1 << n;
  }
  for (const part of prefixes.split(',')) {
    const [from = '', to = from] = part.split('-');
    LOW.push(Number((from + '00000').slice(0, 6)));
    HIGH.push(Number((to + '99999').slice(0, 6)));
    LENGTHS.push(bits);
    BRANDS.push(brand);
  }
}

/** The brand whose range and length fit a string of digits, or null. Does not check Luhn. */
export function cardBrand(digits: string): CardBrand | null {
  const prefix = Number(digits.slice(0, 6));
  for (let k = 0; k < BRANDS.length; k++)
    if (prefix >= (LOW[k] || 0) && prefix <= (HIGH[k] || 0) && ((LENGTHS[k] || 0) >> digits.length) & 1)
      return BRANDS[k] || null;
  return null;
}

/**
 * Numbers that count as a card only beside a card keyword or an expiry date. ISO/IEC 7812 gives the first digit an industry:
 * 2-6 are banking and cards, while UATP (1, airlines), RuPay's and UnionPay's 81-82 and Troy's 9792 share
 * theirs with phone, SIM and national numbers. And 13 digits is every EAN-13 barcode's length.
 */
export function cardNeedsKeyword(digits: string): boolean {
  const first = digits.charCodeAt(0);
  return first < 50 || first > 54 || digits.length === 13;
}

/** Luhn plus a known range and a length that brand issues. */
export function isValidCard(digits: string): boolean {
  return cardBrand(digits) !== null && luhn(digits);
}
