/** Check digits and issuer ranges. Pure, no allocation beyond small strings; inputs are ASCII digits/letters. */

/**
 * The Dutch BSN "elfproef": weights 9..2 on the first eight digits and -1 on the last, sum divisible by 11.
 * Takes 9 digits (pad an 8-digit BSN with a leading zero first). All zeros is not a BSN.
 */
export function bsnElfproef(digits: string): boolean {
  if (digits.length !== 9 || digits === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (digits.charCodeAt(i) - 48) * (9 - i);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/** Luhn (ISO/IEC 7812-1) over a string of digits. */
export function luhn(digits: string): boolean {
  if (digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 7064 mod 97-10 over an uppercase IBAN without spaces: true when the remainder is 1. */
export function ibanMod97(iban: string): boolean {
  if (iban.length < 5) return false;
  const check = Number(iban.slice(2, 4));
  // 00, 01 and 99 cannot be produced by the algorithm (ECBS TR 201).
  if (!(check >= 2 && check <= 98)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rest = (rest * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rest = (rest * 100 + (c - 55)) % 97;
    else return false;
  }
  return rest === 1;
}

/**
 * BBAN structure per country, from the SWIFT IBAN registry: country code, then counts of n = digit,
 * a = uppercase letter, c = letter or digit. The IBAN length is 4 plus the BBAN length.
 */
const IBAN_FORMATS =
  'AD4n4n12c AE3n16n AL8n16c AT5n11n AZ4a20c BA3n3n8n2n BE3n7n2n BG4a4n2n8c BH4a14c BI5n5n11n2n ' +
  'BR8n5n10n1a1c BY4c4n16c CH5n12c CR4n14n CY3n5n16c CZ4n6n10n DE8n10n DJ5n5n11n2n DK4n9n1n ' +
  'DO4c20n EE2n2n11n1n EG4n4n17n ES4n4n1n1n10n FI3n11n FK2a12n FO4n9n1n FR5n5n11c2n GB4a6n8n ' +
  'GE2a16n GI4a15c GL4n9n1n GR3n4n16c GT4c20c HN4a20n HR7n10n HU3n4n1n15n1n IE4a6n8n IL3n3n13n ' +
  'IQ4a3n12n IS4n2n6n10n IT1a5n5n12c JO4a4n18c KW4a22c KZ3n13c LB4n20c LC4a24c LI5n12c LT5n11n ' +
  'LU3n13c LV4a13c LY3n3n15n MC5n5n11c2n MD2c18c ME3n13n2n MK3n10c2n MN4n12n MR5n5n11n2n MT4a5n18c ' +
  'MU4a2n2n12n3n3a NI4a20n NL4a10n NO4n6n1n OM3n16c PK4a16c PL8n16n PS4a21c PT4n4n11n2n QA4a21c ' +
  'RO4a16c RS3n13n2n RU9n5n15c SA2n18c SC4a2n2n16n3a SD2n12n SE3n16n1n SI5n8n2n SK4n6n10n ' +
  'SM1a5n5n12c SO4n3n12n ST4n4n11n2n SV4a20n TL3n14n2n TN2n3n13n2n TR5n1n16c UA6n19c VA3n15n ' +
  'VG4a16n XK4n10n2n YE4a4n18c';

/** Country code -> one class letter per BBAN position, expanded once. */
const BBAN_CLASSES: ReadonlyMap<string, string> = new Map(
  IBAN_FORMATS.split(' ').map((entry) => {
    let classes = '';
    entry.slice(2).replace(/(\d+)([nac])/g, (_m, count: string, kind: string) => {
      for (let i = 0; i < Number(count); i++) classes += kind;
      return '';
    });
    return [entry.slice(0, 2), classes];
  }),
);

/** The full IBAN length for a country code, or undefined when the country has no IBAN. */
export function ibanLength(country: string): number | undefined {
  const classes = BBAN_CLASSES.get(country);
  return classes === undefined ? undefined : classes.length + 4;
}

/** Length, BBAN structure and mod-97 of an uppercase IBAN without spaces. */
export function isValidIban(iban: string): boolean {
  const classes = BBAN_CLASSES.get(iban.slice(0, 2));
  if (classes === undefined || iban.length !== classes.length + 4) return false;
  for (let i = 0; i < classes.length; i++) {
    const c = iban.charCodeAt(i + 4);
    const digit = c >= 48 && c <= 57;
    const letter = c >= 65 && c <= 90;
    const kind = classes.charCodeAt(i);
    if (kind === 110 /* n */ ? !digit : kind === 97 /* a */ ? !letter : !(digit || letter)) return false;
  }
  return ibanMod97(iban);
}

export type CardBrand =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'maestro' | 'jcb' | 'diners' | 'unionpay';

interface IinRange {
  brand: CardBrand;
  /** Inclusive prefix range of equal width, compared on the first `from.length` digits. */
  from: string;
  to: string;
  lengths: readonly number[];
}

function span(min: number, max: number): number[] {
  const out: number[] = [];
  for (let n = min; n <= max; n++) out.push(n);
  return out;
}

function range(brand: CardBrand, from: string, to: string, lengths: readonly number[]): IinRange {
  return { brand, from, to, lengths };
}

const L16_19 = span(16, 19);
const L12_19 = span(12, 19);
const L14_19 = span(14, 19);

/** Published IIN ranges; the first match wins, so more specific prefixes come first. */
const IIN_RANGES: readonly IinRange[] = [
  range('discover', '622126', '622925', L16_19),
  range('visa', '4', '4', [13, 16, 19]),
  range('mastercard', '51', '55', [16]),
  range('mastercard', '2221', '2720', [16]),
  range('amex', '34', '34', [15]),
  range('amex', '37', '37', [15]),
  range('discover', '6011', '6011', L16_19),
  range('discover', '644', '649', L16_19),
  range('discover', '65', '65', L16_19),
  range('maestro', '5018', '5018', L12_19),
  range('maestro', '5020', '5020', L12_19),
  range('maestro', '5038', '5038', L12_19),
  range('maestro', '5893', '5893', L12_19),
  range('maestro', '6304', '6304', L12_19),
  range('maestro', '6759', '6759', L12_19),
  range('maestro', '6761', '6763', L12_19),
  range('jcb', '3528', '3589', L16_19),
  range('diners', '300', '305', L14_19),
  range('diners', '3095', '3095', L14_19),
  range('diners', '36', '36', L14_19),
  range('diners', '38', '39', L16_19),
  range('unionpay', '62', '62', L16_19),
];

/** The ranges as six-digit bounds ("4" covers 400000-499999), so one number is compared per range. */
// (No padEnd: the classic Outlook runtime is ES2016.)
const IIN_BOUNDS = IIN_RANGES.map((r) => [
  Number((r.from + '00000').slice(0, 6)),
  Number((r.to + '99999').slice(0, 6)),
]);

/** The brand whose IIN range and length fit, or null. Does not check Luhn. */
export function cardBrand(digits: string): CardBrand | null {
  const first = digits.charCodeAt(0);
  // Only 2-6 start a card number in these ranges.
  if (first < 50 || first > 54) return null;
  const prefix = Number(digits.slice(0, 6));
  for (let k = 0; k < IIN_RANGES.length; k++) {
    const r = IIN_RANGES[k];
    const bounds = IIN_BOUNDS[k];
    if (
      r &&
      bounds &&
      prefix >= (bounds[0] ?? 0) &&
      prefix <= (bounds[1] ?? 0) &&
      r.lengths.includes(digits.length)
    )
      return r.brand;
  }
  return null;
}

/** Luhn plus a known IIN range and a length that brand issues. */
export function isValidCard(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && cardBrand(digits) !== null && luhn(digits);
}

/**
 * SSA rules for a formatted SSN's parts: area not 000, 666 or 900-999; group not 00; serial not 0000.
 * (Since 2011 areas are randomised, so no finer area table applies.)
 */
export function ssnPartsValid(area: string, group: string, serial: string): boolean {
  if (area.length !== 3 || group.length !== 2 || serial.length !== 4) return false;
  if (area === '000' || area === '666' || area[0] === '9') return false;
  return group !== '00' && serial !== '0000';
}
