/**
 * DANE for SMTP: match the certificate chain an MX host presented against its authenticated TLSA records
 * (RFC 7672, with RFC 7671 / RFC 6698 for the record semantics).
 */
import { X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import type { TlsaRecord } from '../core/report';

export interface DaneVerdict {
  state: 'valid' | 'mismatch' | 'unusable';
  /** The record that matched, as `usage selector matchingType`. */
  matched: string | null;
  /** One line for humans. */
  reason: string;
}

const USAGE_DANE_TA = 2;
const USAGE_DANE_EE = 3;

/** Digest lengths per matching type; 0 is the full data, any non-zero length. */
const DIGEST_BYTES: ReadonlyMap<number, number> = new Map([
  [1, 32],
  [2, 64],
]);

/** Presented chains are a handful of certificates; the cap bounds path building (pairwise signature checks). */
const MAX_CHAIN = 16;

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** One label per wildcard, no `f*.example.com` (RFC 7672 §3.2.3 defers to RFC 6125). */
const CHECK_HOST_OPTIONS = {
  wildcards: true,
  partialWildcards: false,
  multiLabelWildcards: false,
  singleLabelSubdomains: false,
} as const;

function decodeHex(hex: unknown): Buffer | null {
  return typeof hex === 'string' && HEX.test(hex) ? Buffer.from(hex, 'hex') : null;
}

function label(record: TlsaRecord): string {
  return `${record.usage} ${record.selector} ${record.matchingType}`;
}

/**
 * Whether the record can take part in DANE on port 25: DANE-TA(2) or DANE-EE(3), Cert(0) or SPKI(1),
 * Full(0), SHA2-256(1) or SHA2-512(2). PKIX usages 0/1 are unusable for SMTP (RFC 7672 §3.1.3). Data that
 * is not hex, or a digest of the wrong length, can never match, so it is unusable too rather than a
 * guaranteed mismatch.
 */
export function isUsableOnSmtp(record: TlsaRecord): boolean {
  if (record.usage !== USAGE_DANE_TA && record.usage !== USAGE_DANE_EE) return false;
  if (record.selector !== 0 && record.selector !== 1) return false;
  const data = decodeHex(record.data);
  if (!data) return false;
  if (record.matchingType === 0) return true;
  const expected = DIGEST_BYTES.get(record.matchingType);
  return expected !== undefined && data.length === expected;
}

/** A TLSA RDATA as decoded by dns-packet, with the association data hex-encoded (lower case). */
export function tlsaRecordFromAnswer(data: {
  usage: number;
  selector: number;
  matchingType: number;
  certificate: Uint8Array;
}): TlsaRecord {
  return {
    usage: data.usage,
    selector: data.selector,
    matchingType: data.matchingType,
    data: Buffer.from(
      data.certificate.buffer,
      data.certificate.byteOffset,
      data.certificate.byteLength,
    ).toString('hex'),
  };
}

/** A parsed certificate from the presented chain, with the selector inputs computed on demand. */
class Presented {
  private spkiCache: Buffer | null | undefined;

  constructor(
    readonly cert: X509Certificate,
    readonly index: number,
  ) {}

  /** Selector input; null when the SPKI cannot be extracted (then nothing with selector 1 matches). */
  selected(selector: number): Buffer | null {
    if (selector === 0) return this.cert.raw;
    if (this.spkiCache === undefined) this.spkiCache = spkiOf(this.cert);
    return this.spkiCache;
  }

  /** Validity at `now`, or why not. Unparseable dates fail closed. */
  validityProblem(now: Date): string | null {
    const notBefore = Date.parse(this.cert.validFrom);
    const notAfter = Date.parse(this.cert.validTo);
    const t = now.getTime();
    if (Number.isNaN(notBefore) || Number.isNaN(notAfter) || Number.isNaN(t)) {
      return 'has an unreadable validity period';
    }
    if (t < notBefore) return `is not valid before ${this.cert.validFrom}`;
    if (t > notAfter) return `expired on ${this.cert.validTo}`;
    return null;
  }

  get name(): string {
    return this.cert.subject.replace(/\n/g, ', ') || `certificate #${this.index}`;
  }
}

function parseCertificate(der: Uint8Array, index: number): Presented | null {
  try {
    return new Presented(new X509Certificate(Buffer.from(der)), index);
  } catch {
    return null;
  }
}

interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Minimal DER TLV reader (single-byte tags, definite lengths): enough to walk to the SPKI. */
function readTlv(buf: Buffer, offset: number): Tlv | null {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) return null;
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) return null;
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[contentStart + i];
      if (b === undefined) return null;
      length = length * 256 + b;
    }
    contentStart += n;
  }
  const end = contentStart + length;
  return end <= buf.length ? { tag, start: offset, contentStart, end } : null;
}

/**
 * The SubjectPublicKeyInfo exactly as encoded in the certificate. RFC 6698 §2.1.2 selects those bytes;
 * re-exporting the parsed key could re-encode it (e.g. explicit EC parameters), so that is only a fallback.
 */
function spkiOf(cert: X509Certificate): Buffer | null {
  const der = cert.raw;
  const outer = readTlv(der, 0);
  const tbs = outer?.tag === 0x30 ? readTlv(der, outer.contentStart) : null;
  if (tbs?.tag === 0x30) {
    let p = tbs.contentStart;
    if (der[p] === 0xa0) p = readTlv(der, p)?.end ?? -1; // [0] version
    // serialNumber, signature, issuer, validity, subject
    for (let i = 0; i < 5 && p >= 0; i++) p = readTlv(der, p)?.end ?? -1;
    const spki = p >= 0 ? readTlv(der, p) : null;
    if (spki?.tag === 0x30 && spki.end <= tbs.end) return der.subarray(spki.start, spki.end);
  }
  try {
    return cert.publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    return null;
  }
}

function recordMatches(record: TlsaRecord, cert: Presented): boolean {
  const want = decodeHex(record.data);
  const input = cert.selected(record.selector);
  if (!want || !input) return false;
  let got: Buffer;
  if (record.matchingType === 0) got = input;
  else if (record.matchingType === 1) got = createHash('sha256').update(input).digest();
  else if (record.matchingType === 2) got = createHash('sha512').update(input).digest();
  else return false;
  return got.length === want.length && timingSafeEqual(got, want);
}

function signedBy(child: Presented, parent: Presented): 'ok' | 'not-issuer' | 'bad-signature' {
  try {
    if (!child.cert.checkIssued(parent.cert)) return 'not-issuer';
    return child.cert.verify(parent.cert.publicKey) ? 'ok' : 'bad-signature';
  } catch {
    return 'bad-signature';
  }
}

/**
 * Whether the leaf chains to `anchor` through presented certificates. TLS 1.3 (RFC 8446 §4.4.2) lets the
 * chain arrive out of order with extras, so this is a breadth-first search over "issued and signed by"
 * edges rather than a walk in presented order. Intermediates must be CAs within their validity period; the
 * anchor is pinned by the TLSA record, so neither its CA flag nor its dates are checked.
 */
function pathProblem(chain: readonly Presented[], anchor: Presented, now: Date): string | null {
  const leaf = chain[0];
  if (!leaf) return 'there is no leaf certificate';
  // The first thing that went wrong, for the reason line.
  let problem: string | null = null;
  const visited = new Set<Presented>([leaf]);
  const queue: Presented[] = [leaf];
  for (let current = queue.shift(); current; current = queue.shift()) {
    for (const parent of chain) {
      if (visited.has(parent)) continue;
      const edge = signedBy(current, parent);
      if (edge === 'bad-signature') {
        problem ??= `the signature on ${current === leaf ? 'the leaf' : current.name} by ${parent.name} is bad`;
        continue;
      }
      if (edge === 'not-issuer') continue;
      if (parent === anchor) return null;
      visited.add(parent);
      const validity = parent.validityProblem(now);
      if (validity) {
        problem ??= `intermediate ${parent.name} ${validity}`;
        continue;
      }
      if (!parent.cert.ca) {
        problem ??= `${parent.name} signed a certificate but is not a CA`;
        continue;
      }
      queue.push(parent);
    }
  }
  return problem ?? `the leaf does not chain to the matched trust anchor ${anchor.name}`;
}

function nameMatches(leaf: Presented, referenceNames: readonly string[]): boolean {
  return referenceNames.some((raw) => {
    const name = raw.trim().replace(/\.$/, '').toLowerCase();
    if (name === '') return false;
    try {
      return leaf.cert.checkHost(name, CHECK_HOST_OPTIONS) !== undefined;
    } catch {
      return false;
    }
  });
}

type Attempt = { ok: true } | { ok: false; anchorMatched: boolean; reason: string };

const NO_MATCH: Attempt = { ok: false, anchorMatched: false, reason: '' };

/** DANE-EE(3): the leaf alone, no name or date checks (RFC 7672 §3.1.1). */
function tryDaneEe(record: TlsaRecord, leaf: Presented): Attempt {
  return recordMatches(record, leaf) ? { ok: true } : NO_MATCH;
}

/**
 * DANE-TA(2): a non-leaf certificate matches, the leaf chains to it, and the leaf is current and names the
 * MX host (RFC 7672 §3.1.2, §3.2.2). The anchor must be in the presented chain, as RFC 7672 §3.1.2 asks of
 * servers publishing DANE-TA records; a bare-key anchor (2 1 0 without the certificate) is not supported.
 */
function tryDaneTa(
  record: TlsaRecord,
  chain: readonly Presented[],
  referenceNames: readonly string[],
  now: Date,
): Attempt {
  const leaf = chain[0];
  if (!leaf) return NO_MATCH;
  // A copy of the leaf further down would turn DANE-TA into DANE-EE with a name check; not an anchor.
  const anchors = chain.filter(
    (c) => c !== leaf && !c.cert.raw.equals(leaf.cert.raw) && recordMatches(record, c),
  );
  if (anchors.length === 0) return NO_MATCH;
  const fail = (reason: string): Attempt => ({
    ok: false,
    anchorMatched: true,
    reason: `DANE-TA record ${label(record)} matched a trust anchor but ${reason}`,
  });
  const problems: string[] = [];
  for (const anchor of anchors) {
    const problem = pathProblem(chain, anchor, now);
    if (problem === null) break;
    problems.push(problem);
  }
  if (problems.length === anchors.length) return fail(problems[0] ?? 'the leaf does not chain to it');
  const validity = leaf.validityProblem(now);
  if (validity) return fail(`the leaf certificate ${validity}`);
  if (!nameMatches(leaf, referenceNames)) {
    const names = referenceNames.length > 0 ? referenceNames.join(', ') : '(no reference name given)';
    return fail(`the leaf certificate does not match ${names}`);
  }
  return { ok: true };
}

function mismatch(reason: string): DaneVerdict {
  return { state: 'mismatch', matched: null, reason };
}

function verify(
  records: readonly TlsaRecord[],
  chainDer: readonly Uint8Array[],
  referenceNames: readonly string[],
  now: Date,
): DaneVerdict {
  const usable = records.filter(isUsableOnSmtp);
  if (usable.length === 0) {
    return {
      state: 'unusable',
      matched: null,
      reason:
        records.length === 0
          ? 'no TLSA records'
          : `none of the ${records.length} TLSA record(s) is usable for SMTP (needs usage 2 or 3, selector 0 or 1, matching type 0, 1 or 2)`,
    };
  }
  if (chainDer.length === 0) return mismatch('the server presented no certificate');
  const parsed = chainDer.slice(0, MAX_CHAIN).map((der, i) => parseCertificate(der, i));
  const leaf = parsed[0];
  if (!leaf) return mismatch('the server certificate is not valid DER');
  // Unparseable certificates further down cannot be anchors or intermediates; drop them.
  const chain = parsed.filter((c): c is Presented => c !== null);

  let best: string | null = null;
  for (const record of usable) {
    const attempt =
      record.usage === USAGE_DANE_EE
        ? tryDaneEe(record, leaf)
        : tryDaneTa(record, chain, referenceNames, now);
    if (attempt.ok) {
      return { state: 'valid', matched: label(record), reason: `matched TLSA record ${label(record)}` };
    }
    // An anchor that matched but failed to validate says more than a record that matched nothing.
    if (attempt.anchorMatched) best ??= attempt.reason;
  }
  if (best !== null) return mismatch(best);
  return mismatch(
    `the presented certificate chain matches none of the ${usable.length} usable TLSA record(s): ${usable.map(label).join(', ')}`,
  );
}

/**
 * Match a presented chain against authenticated TLSA records for `_25._tcp.<host>`.
 * `chainDer` is leaf first as presented; `referenceNames` are the names a DANE-TA leaf must carry (the MX
 * hostname, RFC 7672 §3.2.2). Any usable record that succeeds makes the verdict valid. Never throws.
 */
export function verifyDane(
  records: readonly TlsaRecord[],
  chainDer: readonly Uint8Array[],
  referenceNames: readonly string[],
  now: Date = new Date(),
): DaneVerdict {
  try {
    return verify(records, chainDer, referenceNames, now);
  } catch (err) {
    // Defensive: node:crypto can throw on inputs it half-accepts; a verdict is always wanted.
    return mismatch(`DANE check failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
