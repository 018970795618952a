/**
 * Pure parsers for MTA-STS (RFC 8461): the `_mta-sts` TXT record (§3.1), the policy file (§3.2)
 * and MX pattern matching (§4.1). No I/O; every function is total and never throws.
 * Where TLS Gate is stricter or laxer than other implementations, and why: docs/mta-sts.md.
 */

/** A repeated non-`mx` field: the first one counts, this one is ignored (RFC 8461 §3.2). */
export interface DuplicateField {
  /** `version`, `mode` or `max_age` in a policy; `v` or `id` in the TXT record. */
  field: string;
  /** The policy line (from 1), or the record field's position (`v=STSv1` being 1). */
  at: number;
}

export type MtaStsRecordResult =
  | { ok: true; record: string; id: string; duplicates: DuplicateField[] }
  | { ok: false; code: 'MTA_STS_NO_RECORD' | 'MTA_STS_RECORD_INVALID'; message: string };

export interface MtaStsPolicy {
  version: 'STSv1';
  mode: 'enforce' | 'testing' | 'none';
  /** Usable patterns: lowercase `host` or `*.host`. */
  mx: string[];
  max_age: number;
  /** Patterns that are well-formed but can never name an MX host (IP addresses), one sentence each. */
  warnings: string[];
  duplicates: DuplicateField[];
}

/**
 * MALFORMED: the body is not the §3.2 grammar (a line that is no valid field), so a strict sender has no
 * policy. INVALID: well-formed, but a required field is missing or a value is out of range.
 */
export type MtaStsPolicyResult =
  | { ok: true; policy: MtaStsPolicy }
  | { ok: false; code: 'MTA_STS_POLICY_MALFORMED' | 'MTA_STS_POLICY_INVALID'; message: string };

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

/** RFC 5321 Domain (LDH labels, no trailing dot), lowercase, within DNS lengths. */
function isDomain(name: string): boolean {
  if (name.length === 0 || name.length > MAX_HOSTNAME_LENGTH) return false;
  return name.split('.').every((label) => LDH_LABEL.test(label));
}

/** A Domain that can name a host. An all-digit last label is refused so IPv4 literals never pass. */
function isHostname(name: string): boolean {
  return isDomain(name) && !/^[0-9]+$/.test(name.slice(name.lastIndexOf('.') + 1));
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
  const duplicates: DuplicateField[] = [];
  for (const [index, field] of fields.entries()) {
    if (field === '') return invalidRecord('The MTA-STS record has an empty field (";;").');
    const eq = field.indexOf('=');
    if (eq <= 0) return invalidRecord(`The MTA-STS record field ${show(field)} is not name=value.`);
    const name = field.slice(0, eq);
    const value = field.slice(eq + 1);
    // Position 1 is v=STSv1, so the first field after it is 2.
    const at = index + 2;
    if (name === 'id') {
      // A repeated id must still be well-formed: the record as a whole has to match the ABNF.
      if (!STS_ID.test(value))
        return invalidRecord(`The MTA-STS id ${show(value)} is not 1-32 letters or digits.`);
      // §3.2 (which speaks of "TXT records and policy files"): the first one counts.
      if (id === null) id = value;
      else duplicates.push({ field: 'id', at });
    } else {
      if (!EXT_NAME.test(name))
        return invalidRecord(`The MTA-STS record field name ${show(name)} is invalid.`);
      if (!EXT_VALUE.test(value))
        return invalidRecord(`The MTA-STS record field ${show(name)} has an invalid value.`);
      if (name === 'v') {
        // A repeated v is a repeated sts-version, not an extension, so it must read STSv1 too.
        if (value !== 'STSv1') return invalidRecord(`The MTA-STS record repeats v with ${show(value)}.`);
        duplicates.push({ field: 'v', at });
      }
    }
  }
  if (id === null) return invalidRecord('The MTA-STS record has no id.');
  return { ok: true, record, id, duplicates };
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
  return { ok: false, code: 'MTA_STS_POLICY_INVALID', message };
}

function malformedPolicy(message: string): MtaStsPolicyResult {
  return { ok: false, code: 'MTA_STS_POLICY_MALFORMED', message };
}

/** sts-policy-ext-value: visible ASCII or UTF-8 with single spaces inside; no CTLs, so no tabs. */
function isPolicyExtValue(value: string): boolean {
  if (value === '' || value.startsWith(' ') || value.endsWith(' ')) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** sts-policy-mx-value = ["*."] Domain, lowercased; null when the value is not that. */
function mxPatternOf(value: string): string | null {
  const pattern = asciiLower(value);
  return isDomain(pattern.startsWith('*.') ? pattern.slice(2) : pattern) ? pattern : null;
}

function isMode(value: string): value is MtaStsPolicy['mode'] {
  return value === 'enforce' || value === 'testing' || value === 'none';
}

/**
 * One line as `sts-policy-field *WSP`: the name, and the value without the WSP of field-delim
 * (`":" *WSP`) and the trailing WSP; or why the line is no field.
 */
function splitField(line: string): { name: string; value: string } | { why: string } {
  if (isWspOnly(line)) return { why: 'is empty; the policy grammar has no blank lines' };
  if (line.startsWith(' ') || line.startsWith('\t')) return { why: 'starts with white space' };
  const colon = line.indexOf(':');
  if (colon < 0) return { why: `has no ":": ${show(line)}` };
  const name = line.slice(0, colon);
  if (!EXT_NAME.test(name))
    return {
      why: `has an invalid field name ${show(name)} (1-32 letters, digits, "_", "-" or ".", starting with a letter or digit, no space before ":")`,
    };
  return { name, value: trimWsp(line.slice(colon + 1)) };
}

/**
 * Parses a policy file body (RFC 8461 §3.2) exactly by its grammar: a line that is not a valid field
 * makes the whole body MALFORMED, as it does for a strict sender. Unknown fields are ignored; of a
 * repeated non-mx field the first counts and the rest are listed in `duplicates`.
 */
export function parseMtaStsPolicy(text: string): MtaStsPolicyResult {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the cheap check first.
  if (text.length > MTA_STS_MAX_POLICY_BYTES || Buffer.byteLength(text, 'utf8') > MTA_STS_MAX_POLICY_BYTES)
    return invalidPolicy('The MTA-STS policy is larger than 64 KiB.');
  if (text === '') return malformedPolicy('The MTA-STS policy is empty.');

  // sts-policy-term = LF / CRLF, and at most one after the last field.
  const body = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  let version = false;
  let mode: MtaStsPolicy['mode'] | null = null;
  let maxAge: number | null = null;
  const patterns: string[] = [];
  const duplicates: DuplicateField[] = [];

  for (const [index, line] of body.split(/\r?\n/).entries()) {
    const at = index + 1;
    const field = splitField(line);
    if ('why' in field) return malformedPolicy(`Policy line ${at} ${field.why}.`);
    const { name, value } = field;
    // A repeated field must still match its own grammar; only its value is ignored.
    switch (name) {
      case 'version':
        if (value !== 'STSv1')
          return malformedPolicy(`Policy line ${at}: version ${show(value)} is not STSv1.`);
        if (version) duplicates.push({ field: name, at });
        version = true;
        break;
      case 'mode':
        if (!isMode(value))
          return malformedPolicy(`Policy line ${at}: mode ${show(value)} is not enforce, testing or none.`);
        if (mode === null) mode = value;
        else duplicates.push({ field: name, at });
        break;
      case 'max_age':
        if (!MAX_AGE.test(value))
          return malformedPolicy(`Policy line ${at}: max_age ${show(value)} is not 1-10 digits.`);
        if (maxAge === null) maxAge = Number(value);
        else duplicates.push({ field: name, at });
        break;
      case 'mx': {
        const pattern = mxPatternOf(value);
        if (pattern === null)
          return malformedPolicy(
            `Policy line ${at}: mx ${show(value)} is not a domain name or "*." and one, in A-labels.`,
          );
        patterns.push(pattern);
        break;
      }
      default:
        // Extensions (§3.2): ignored, but they must be well-formed.
        if (!isPolicyExtValue(value))
          return malformedPolicy(
            `Policy line ${at}: field ${show(name)} has ${value === '' ? 'an empty value' : 'a control character in its value'}.`,
          );
    }
  }

  if (!version) return invalidPolicy('Policy has no version.');
  if (mode === null) return invalidPolicy('Policy has no mode.');
  if (maxAge === null) return invalidPolicy('Policy has no max_age.');
  if (maxAge > MTA_STS_MAX_AGE_LIMIT)
    return invalidPolicy(`Policy max_age ${maxAge} is over the limit of ${MTA_STS_MAX_AGE_LIMIT}.`);

  const mx: string[] = [];
  const warnings: string[] = [];
  for (const pattern of patterns) {
    if (isPattern(pattern)) mx.push(pattern);
    else warnings.push(`Ignored mx pattern ${show(pattern)}: an IP address never names an MX host.`);
  }
  if (mode !== 'none' && mx.length === 0)
    return invalidPolicy(`Policy mode ${mode} needs at least one valid mx.`);

  return { ok: true, policy: { version: 'STSv1', mode, mx, max_age: maxAge, warnings, duplicates } };
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
