/**
 * Pure parsers for MTA-STS (RFC 8461): the `_mta-sts` TXT record (§3.1), the policy file (§3.2)
 * and MX pattern matching (§4.1). No I/O; every function is total and never throws.
 */

export type MtaStsRecordResult =
  | { ok: true; record: string; id: string }
  | { ok: false; code: 'MTA_STS_NO_RECORD' | 'MTA_STS_RECORD_INVALID'; message: string };

export interface MtaStsPolicy {
  version: 'STSv1';
  mode: 'enforce' | 'testing' | 'none';
  /** Valid patterns only: lowercase, no trailing dot, `host` or `*.host`. */
  mx: string[];
  max_age: number;
  /** Patterns left out of `mx`, one sentence each. */
  warnings: string[];
}

export type MtaStsPolicyResult = { ok: true; policy: MtaStsPolicy } | { ok: false; message: string };

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (one year). */
export const MTA_STS_MAX_AGE_LIMIT = 31557600;
/** A TXT record is at most a few hundred bytes in practice; anything this long is hostile or broken. */
export const MTA_STS_MAX_RECORD_LENGTH = 4096;
/** RFC 8461 §3.3 suggests senders cap the policy body; 64 KiB is the common choice. */
export const MTA_STS_MAX_POLICY_BYTES = 65536;

const VERSION_PREFIX = 'v=STSv1';
const STS_ID = /^[A-Za-z0-9]{1,32}$/;
const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
// %x21-3A / %x3C / %x3E-7E: visible ASCII except "=" and ";".
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
const MAX_AGE = /^[0-9]{1,10}$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_HOSTNAME_LENGTH = 253;
/** How much of the input a message may quote. */
const ECHO_LIMIT = 40;

/**
 * Quotes input for a message: at most ECHO_LIMIT characters, anything outside printable ASCII escaped,
 * so a message is always one bounded line.
 */
function show(value: string): string {
  const head = value.slice(0, ECHO_LIMIT);
  let out = '';
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) out += head.charAt(i);
    else if (c <= 0xff) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `"${out}${value.length > ECHO_LIMIT ? '...' : ''}"`;
}

function isWspOnly(value: string): boolean {
  return /^[ \t]*$/.test(value);
}

function trimWsp(value: string): string {
  return value.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
}

/** ASCII-only lowercasing: String#toLowerCase would turn e.g. U+212A KELVIN SIGN into "k" and make a U-label look valid. */
function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function normaliseName(value: string): string {
  const lower = asciiLower(value);
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** LDH hostname (lowercase, no trailing dot). An all-digit last label is refused so IPv4 literals never pass. */
function isHostname(name: string): boolean {
  if (name.length === 0 || name.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = name.split('.');
  if (!labels.every((label) => LDH_LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/** A normalised mx pattern: a hostname or `*.` followed by one. */
function isPattern(pattern: string): boolean {
  return pattern.startsWith('*.') ? isHostname(pattern.slice(2)) : isHostname(pattern);
}

function decodeCharacterString(part: string | Uint8Array): string {
  if (typeof part === 'string') return part;
  // latin1 maps each byte to one code unit, so stray bytes stay visible instead of becoming U+FFFD.
  return Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('latin1');
}

/** RFC 8461 §3.1: only records whose first field is exactly `v=STSv1` take part in selection. */
function isStsV1Record(record: string): boolean {
  if (!record.startsWith(VERSION_PREFIX)) return false;
  const next = record.charAt(VERSION_PREFIX.length);
  // "" (end), WSP or ";": anything else (e.g. "v=STSv12") is a different version string.
  return next === '' || next === ' ' || next === '\t' || next === ';';
}

function invalidRecord(message: string): MtaStsRecordResult {
  return { ok: false, code: 'MTA_STS_RECORD_INVALID', message };
}

/** Checks one `v=STSv1` record against the §3.1 ABNF. */
function parseRecord(record: string): MtaStsRecordResult {
  if (record.length > MTA_STS_MAX_RECORD_LENGTH)
    return invalidRecord(`The MTA-STS record is longer than ${MTA_STS_MAX_RECORD_LENGTH} characters.`);
  const parts = record.slice(VERSION_PREFIX.length).split(';');
  const head = parts[0] ?? '';
  if (parts.length === 1) {
    return invalidRecord(
      isWspOnly(head) ? 'The MTA-STS record has no id.' : 'The MTA-STS record needs ";" after v=STSv1.',
    );
  }
  if (!isWspOnly(head)) return invalidRecord('The MTA-STS record needs ";" after v=STSv1.');

  // Between delimiters WSP belongs to the delimiter; after the last ";" only leading WSP does,
  // so "id=abc " (trailing WSP, no ";") stays invalid as the ABNF says.
  const tail = parts.slice(1);
  const fields = tail.map((part, i) => (i === tail.length - 1 ? part.replace(/^[ \t]+/, '') : trimWsp(part)));
  // At most one trailing delimiter.
  if (fields[fields.length - 1] === '') fields.pop();
  if (fields.length === 0) return invalidRecord('The MTA-STS record has no id.');

  let id: string | null = null;
  for (const field of fields) {
    if (field === '') return invalidRecord('The MTA-STS record has an empty field (";;").');
    const eq = field.indexOf('=');
    if (eq <= 0) return invalidRecord(`The MTA-STS record field ${show(field)} is not name=value.`);
    const name = field.slice(0, eq);
    const value = field.slice(eq + 1);
    if (name === 'id') {
      if (!STS_ID.test(value))
        return invalidRecord(`The MTA-STS id ${show(value)} is not 1-32 letters or digits.`);
      if (id !== null && id !== value) return invalidRecord('The MTA-STS record has two different ids.');
      id = value;
    } else {
      if (!EXT_NAME.test(name))
        return invalidRecord(`The MTA-STS record field name ${show(name)} is invalid.`);
      if (!EXT_VALUE.test(value))
        return invalidRecord(`The MTA-STS record field ${show(name)} has an invalid value.`);
    }
  }
  if (id === null) return invalidRecord('The MTA-STS record has no id.');
  return { ok: true, record, id };
}

/** txt: the TXT RRset at _mta-sts.D, each record as its list of character-strings (Buffer or string). */
export function selectMtaStsRecord(
  txt: ReadonlyArray<ReadonlyArray<string | Uint8Array>>,
): MtaStsRecordResult {
  const candidates: string[] = [];
  for (const strings of txt) {
    const record = strings.map(decodeCharacterString).join('');
    if (isStsV1Record(record)) candidates.push(record);
  }
  const [only] = candidates;
  if (only === undefined)
    return { ok: false, code: 'MTA_STS_NO_RECORD', message: 'No v=STSv1 TXT record at _mta-sts.' };
  if (candidates.length > 1)
    return invalidRecord(
      `Found ${candidates.length} v=STSv1 TXT records (multiple records); exactly one is allowed.`,
    );
  return parseRecord(only);
}

function invalidPolicy(message: string): MtaStsPolicyResult {
  return { ok: false, message };
}

/** Parses a policy file body (RFC 8461 §3.2). Unknown keys are ignored; bad mx patterns become warnings. */
export function parseMtaStsPolicy(text: string): MtaStsPolicyResult {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the cheap check first.
  if (text.length > MTA_STS_MAX_POLICY_BYTES || Buffer.byteLength(text, 'utf8') > MTA_STS_MAX_POLICY_BYTES)
    return invalidPolicy('The MTA-STS policy is larger than 64 KiB.');

  let version: string | null = null;
  let mode: MtaStsPolicy['mode'] | null = null;
  let maxAge: number | null = null;
  const rawMx: string[] = [];

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isWspOnly(line)) continue;
    const colon = line.indexOf(':');
    if (colon < 0) return invalidPolicy(`Policy line ${i + 1} has no ":": ${show(line)}.`);
    const key = line.slice(0, colon);
    const value = trimWsp(line.slice(colon + 1));
    switch (key) {
      case 'version':
        if (value !== 'STSv1') return invalidPolicy(`Policy version ${show(value)} is not STSv1.`);
        version = value;
        break;
      case 'mode':
        if (value !== 'enforce' && value !== 'testing' && value !== 'none')
          return invalidPolicy(`Policy mode ${show(value)} is not enforce, testing or none.`);
        if (mode !== null && mode !== value)
          return invalidPolicy('Policy gives mode twice with different values.');
        mode = value;
        break;
      case 'max_age': {
        if (!MAX_AGE.test(value)) return invalidPolicy(`Policy max_age ${show(value)} is not 1-10 digits.`);
        const seconds = Number(value);
        if (seconds > MTA_STS_MAX_AGE_LIMIT)
          return invalidPolicy(`Policy max_age ${seconds} is over the limit of ${MTA_STS_MAX_AGE_LIMIT}.`);
        if (maxAge !== null && maxAge !== seconds)
          return invalidPolicy('Policy gives max_age twice with different values.');
        maxAge = seconds;
        break;
      }
      case 'mx':
        rawMx.push(value);
        break;
      default:
        // Extensions (§3.2): ignored.
        break;
    }
  }

  if (version === null) return invalidPolicy('Policy has no version.');
  if (mode === null) return invalidPolicy('Policy has no mode.');
  if (maxAge === null) return invalidPolicy('Policy has no max_age.');

  const mx: string[] = [];
  const warnings: string[] = [];
  for (const raw of rawMx) {
    const pattern = normaliseName(raw);
    if (isPattern(pattern)) mx.push(pattern);
    else warnings.push(`Ignored mx pattern ${show(raw)}: not a hostname or *.hostname.`);
  }
  if (mode !== 'none' && mx.length === 0)
    return invalidPolicy(`Policy mode ${mode} needs at least one valid mx.`);

  return { ok: true, policy: { version: 'STSv1', mode, mx, max_age: maxAge, warnings } };
}

/** Exact or "*." wildcard; the wildcard matches exactly one leftmost label, never the bare parent. Case-insensitive, trailing dots ignored. */
export function mxMatchesPattern(host: string, pattern: string): boolean {
  const name = normaliseName(host);
  const want = normaliseName(pattern);
  // Invalid names on either side match nothing, so odd input can never widen a policy.
  if (!isHostname(name) || !isPattern(want)) return false;
  if (!want.startsWith('*.')) return name === want;
  const parent = want.slice(2);
  if (!name.endsWith(`.${parent}`)) return false;
  // A valid host cannot start with ".", so the part left of the parent is a non-empty label or more.
  return !name.slice(0, name.length - parent.length - 1).includes('.');
}

export function mxMatchesPolicy(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => mxMatchesPattern(host, pattern));
}
