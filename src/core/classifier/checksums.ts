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
 * BBAN structure per country, from the SWIFT IBAN registry: n = digit, a = uppercase letter, c = letter or
 * digit. The IBAN length is 4 plus the BBAN length.
 */
const IBAN_FORMATS: Readonly<Record<string, string>> = {
  AD: '4n4n12c',
  AE: '3n16n',
  AL: '8n16c',
  AT: '5n11n',
  AZ: '4a20c',
  BA: '3n3n8n2n',
  BE: '3n7n2n',
  BG: '4a4n2n8c',
  BH: '4a14c',
  BI: '5n5n11n2n',
  BR: '8n5n10n1a1c',
  BY: '4c4n16c',
  CH: '5n12c',
  CR: '4n14n',
  CY: '3n5n16c',
  CZ: '4n6n10n',
  DE: '8n10n',
  DJ: '5n5n11n2n',
  DK: '4n9n1n',
  DO: '4c20n',
  EE: '2n2n11n1n',
  EG: '4n4n17n',
  ES: '4n4n1n1n10n',
  FI: '3n11n',
  FK: '2a12n',
  FO: '4n9n1n',
  FR: '5n5n11c2n',
  GB: '4a6n8n',
  GE: '2a16n',
  GI: '4a15c',
  GL: '4n9n1n',
  GR: '3n4n16c',
  GT: '4c20c',
  HN: '4a20n',
  HR: '7n10n',
  HU: '3n4n1n15n1n',
  IE: '4a6n8n',
  IL: '3n3n13n',
  IQ: '4a3n12n',
  IS: '4n2n6n10n',
  IT: '1a5n5n12c',
  JO: '4a4n18c',
  KW: '4a22c',
  KZ: '3n13c',
  LB: '4n20c',
  LC: '4a24c',
  LI: '5n12c',
  LT: '5n11n',
  LU: '3n13c',
  LV: '4a13c',
  LY: '3n3n15n',
  MC: '5n5n11c2n',
  MD: '2c18c',
  ME: '3n13n2n',
  MK: '3n10c2n',
  MN: '4n12n',
  MR: '5n5n11n2n',
  MT: '4a5n18c',
  MU: '4a2n2n12n3n3a',
  NI: '4a20n',
  NL: '4a10n',
  NO: '4n6n1n',
  OM: '3n16c',
  PK: '4a16c',
  PL: '8n16n',
  PS: '4a21c',
  PT: '4n4n11n2n',
  QA: '4a21c',
  RO: '4a16c',
  RS: '3n13n2n',
  RU: '9n5n15c',
  SA: '2n18c',
  SC: '4a2n2n16n3a',
  SD: '2n12n',
  SE: '3n16n1n',
  SI: '5n8n2n',
  SK: '4n6n10n',
  SM: '1a5n5n12c',
  SO: '4n3n12n',
  ST: '4n4n11n2n',
  SV: '4a20n',
  TL: '3n14n2n',
  TN: '2n3n13n2n',
  TR: '5n1n16c',
  UA: '6n19c',
  VA: '3n15n',
  VG: '4a16n',
  XK: '4n10n2n',
  YE: '4a4n18c',
};

/** Country code -> one class letter per BBAN position, expanded once. */
const BBAN_CLASSES: ReadonlyMap<string, string> = new Map(
  Object.keys(IBAN_FORMATS).map((country) => {
    let classes = '';
    (IBAN_FORMATS[country] ?? '').replace(/(\d+)([nac])/g, (_m, count: string, kind: string) => {
      for (let i = 0; i < Number(count); i++) classes += kind;
      return '';
    });
    return [country, classes];
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

/** The brand whose IIN range and length fit, or null. Does not check Luhn. */
export function cardBrand(digits: string): CardBrand | null {
  for (const r of IIN_RANGES) {
    const prefix = digits.slice(0, r.from.length);
    if (prefix >= r.from && prefix <= r.to && r.lengths.includes(digits.length)) return r.brand;
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
