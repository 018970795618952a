import { toASCII } from 'tr46';

export const MAX_DOMAIN_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;
/** Longer input is refused before any parsing, so hostile strings cost nothing. */
export const MAX_INPUT_LENGTH = 1024;

export type DomainInputErrorCode =
  | 'DOMAIN_EMPTY'
  | 'DOMAIN_TOO_LONG'
  | 'DOMAIN_LABEL_TOO_LONG'
  | 'DOMAIN_BAD_CHARACTERS'
  | 'DOMAIN_IP_LITERAL'
  | 'DOMAIN_NOT_FQDN';

export type DomainInputResult =
  { ok: true; domain: string } | { ok: false; code: DomainInputErrorCode; message: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function fail(code: DomainInputErrorCode, message: string): DomainInputResult {
  return { ok: false, code, message };
}

/**
 * Turns a recipient address or domain into the A-label domain the lookup uses.
 * An address means its part after the last `@`; IDNs become A-labels (UTS-46, non-transitional);
 * the result is lowercase with no trailing dot.
 */
export function normalizeDomainInput(input: string): DomainInputResult {
  if (input.length > MAX_INPUT_LENGTH)
    return fail('DOMAIN_TOO_LONG', `Input is longer than ${MAX_INPUT_LENGTH} characters.`);
  const at = input.lastIndexOf('@');
  let name = (at >= 0 ? input.slice(at + 1) : input).trim();
  if (name.startsWith('[') || name.includes(':'))
    return fail('DOMAIN_IP_LITERAL', 'An IP address literal is not a mail domain.');
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') return fail('DOMAIN_EMPTY', 'No domain was given.');
  if (IPV4.test(name)) return fail('DOMAIN_IP_LITERAL', 'An IP address is not a mail domain.');

  const ascii = PLAIN_ASCII.test(name) && !/(^|\.)xn--/i.test(name) ? plainAscii(name) : uts46(name);
  if (ascii === null)
    return fail(
      'DOMAIN_BAD_CHARACTERS',
      `"${printable(name)}" contains characters a domain name cannot have.`,
    );
  const labels = ascii.split('.');
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH)
      return fail(
        'DOMAIN_LABEL_TOO_LONG',
        `A label is ${label.length} characters long; the limit is ${MAX_LABEL_LENGTH}.`,
      );
    if (!LDH_LABEL.test(label))
      return fail(
        'DOMAIN_BAD_CHARACTERS',
        `"${printable(name)}" contains characters a domain name cannot have.`,
      );
  }
  if (ascii.length > MAX_DOMAIN_LENGTH)
    return fail(
      'DOMAIN_TOO_LONG',
      `The domain is ${ascii.length} characters long; the limit is ${MAX_DOMAIN_LENGTH}.`,
    );
  if (labels.length < 2) return fail('DOMAIN_NOT_FQDN', `"${ascii}" has no dot; a mail domain needs one.`);
  if (/^\d+$/.test(labels[labels.length - 1] ?? ''))
    return fail('DOMAIN_BAD_CHARACTERS', 'A top-level domain cannot be all digits.');
  return { ok: true, domain: ascii };
}

const PLAIN_ASCII = /^[A-Za-z0-9.-]+$/;

/**
 * For plain ASCII names UTS-46 only lowercases, so the costly mapping is skipped (the lookup API's hot
 * path). Its one other rule for such names, CheckHyphens, is applied here: no "--" in positions 3-4.
 */
function plainAscii(name: string): string | null {
  const lower = name.toLowerCase();
  return lower.split('.').some((label) => label.slice(2, 4) === '--') ? null : lower;
}

function uts46(name: string): string | null {
  return toASCII(name, {
    checkHyphens: true,
    checkBidi: true,
    checkJoiners: true,
    useSTD3ASCIIRules: true,
    transitionalProcessing: false,
    verifyDNSLength: false,
  });
}

/** Keeps error messages one line and bounded, whatever the input held. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
