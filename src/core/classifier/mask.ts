/**
 * Masked excerpts. Each keeps at most a short tail, never the whole value, so a finding can be shown,
 * logged or sent to the server without leaking what it found.
 */

/** `NL91ABNA0417164300` -> `NL91 **** **** **** 4300`: country and check digits, then the last four. */
export function maskIban(compact: string): string {
  const groups = Math.max(1, Math.ceil((compact.length - 8) / 4));
  return `${compact.slice(0, 4)} ${'**** '.repeat(groups)}${compact.slice(-4)}`;
}

/** The last four digits only; the brand's group layout is not revealed. */
export function maskCard(digits: string): string {
  return `**** **** **** ${digits.slice(-4)}`;
}

export function maskSsn(digits: string): string {
  return `***-**-${digits.slice(-4)}`;
}

/** Six of nine digits hidden. */
export function maskBsn(digits: string): string {
  return `******${digits.slice(-3)}`;
}

/** The two-letter series and the check digit stay; the six serial characters go. */
export function maskPassport(value: string): string {
  return `${value.slice(0, 2)}******${value.slice(-1)}`;
}

/** `E11.9` -> `E**.*`: the chapter letter stays, the diagnosis does not. */
export function maskIcd(code: string): string {
  return code.charAt(0) + code.slice(1).replace(/[0-9A-Za-z]/g, '*');
}

/** White space and ASCII punctuation: the shape of a value, not its content. */
function isShape(value: string, i: number): boolean {
  const c = value.charCodeAt(i);
  if (c >= 128) return /\s/.test(value.charAt(i));
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c < 127 && (c < 48 || (c > 57 && c < 65) || (c > 90 && c < 97) || c > 122);
}

/**
 * Anything else (custom rules): every other character starred except a tail of at most a quarter of them
 * (and at most 4); punctuation and spaces stay so the shape is recognisable. Values over 40 characters are
 * cut there and fully starred.
 */
export function maskGeneric(value: string): string {
  const long = value.length > 40;
  const clipped = long ? value.slice(0, 40) : value;
  let content = 0;
  for (let i = 0; i < clipped.length; i++) if (!isShape(clipped, i)) content++;
  let keep = long ? 0 : Math.min(4, Math.floor(content / 4));
  let out = '';
  for (let i = clipped.length - 1; i >= 0; i--)
    out = (isShape(clipped, i) || keep-- > 0 ? clipped.charAt(i) : '*') + out;
  return long ? `${out}…` : out;
}
