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
 * a = uppercase letter, c = letter or digit (adjacent fields of one class merged: the registry's "4n4n12c"
 * is "8n12c"). The IBAN length is 4 plus the BBAN length.
 */
const IBAN_FORMATS =
  'AD8n12c AE19n AL8n16c AT16n AZ4a20c BA16n BE12n BG4a6n8c BH4a14c BI23n BR23n1a1c BY4c4n16c CH5n12c ' +
  'CR18n CY8n16c CZ20n DE18n DJ23n DK14n DO4c20n EE16n EG25n ES20n FI14n FK2a12n FO14n FR10n11c2n ' +
  'GB4a14n GE2a16n GI4a15c GL14n GR7n16c GT24c HN4a20n HR17n HU24n IE4a14n IL19n IQ4a15n IS22n ' +
  'IT1a10n12c JO4a4n18c KW4a22c KZ3n13c LB4n20c LC4a24c LI5n12c LT16n LU3n13c LV4a13c LY21n MC10n11c2n ' +
  'MD20c ME18n MK3n10c2n MN16n MR23n MT4a5n18c MU4a19n3a NI4a20n NL4a10n NO11n OM3n16c PK4a16c PL24n ' +
  'PS4a21c PT21n QA4a21c RO4a16c RS18n RU14n15c SA2n18c SC4a20n3a SD14n SE20n SI15n SK20n SM1a10n12c ' +
  'SO19n ST21n SV4a20n TL19n TN20n TR6n16c UA6n19c VA18n VG4a16n XK16n YE4a4n18c';

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

/**
 * SSA rules for a formatted SSN's parts: area not 000, 666 or 900-999; group not 00; serial not 0000.
 * (Since 2011 areas are randomised, so no finer area table applies.)
 */
export function ssnPartsValid(area: string, group: string, serial: string): boolean {
  if (area.length !== 3 || group.length !== 2 || serial.length !== 4) return false;
  if (area === '000' || area === '666' || area[0] === '9') return false;
  return group !== '00' && serial !== '0000';
}

/**
 * SSNs printed in ads, wallet inserts and documentation that people copy as examples (078-05-1120 from the
 * 1938 Woolworth wallet, 219-09-9999 from an SSA pamphlet, 457-55-5462 from LifeLock's ads, 123-45-6789);
 * the SSA's advertising block 987-65-4320..4329 already fails the area rule.
 */
const SAMPLE_SSNS = ['078051120', '219099999', '457555462', '123456789'];

/** Whether nine digits are a well-known sample SSN, never a person's. */
export function isSampleSsn(digits: string): boolean {
  return SAMPLE_SSNS.indexOf(digits) >= 0;
}
