import { X509Certificate, createHash, randomBytes, webcrypto } from 'node:crypto';
import fc from 'fast-check';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { TlsaRecord } from '../../src/core/report';
import { isUsableOnSmtp, tlsaRecordFromAnswer, verifyDane } from '../../src/probe/dane';
import { createSelfSigned, createTestCa, type Issued, type TestCa } from '../support/pki';

const DAY = 24 * 60 * 60 * 1000;
const MX = 'mx.example.com';

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function sha512(data: Buffer): Buffer {
  return createHash('sha512').update(data).digest();
}

/** A TLSA record over `cert` with the given parameters, computed the way a zone operator would. */
function tlsa(usage: number, selector: number, matchingType: number, cert: Issued): TlsaRecord {
  const input = selector === 0 ? cert.certDer : cert.spkiDer;
  const data = matchingType === 0 ? input : matchingType === 1 ? sha256(input) : sha512(input);
  return { usage, selector, matchingType, data: data.toString('hex') };
}

/** Flip the last byte of the DER: inside the signature, so the certificate still parses but no longer verifies. */
function corruptSignature(der: Buffer): Buffer {
  const copy = Buffer.from(der);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
  return copy;
}

/**
 * A certificate signed by `issuer` with full control over dates and the CA flag, for cases pki.ts does not
 * cover (expired intermediate, a leaf used as an issuer).
 */
async function issueCustom(
  issuer: Issued,
  opts: { cn: string; ca: boolean; sans?: string[]; notBefore?: Date; notAfter?: Date },
): Promise<Issued> {
  const alg: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    Buffer.from(issuer.keyPem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'),
    alg,
    false,
    ['sign'],
  );
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(opts.ca, undefined, true)];
  if (opts.sans) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(opts.sans.map((value) => ({ type: 'dns' as const, value }))),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex').replace(/^./, '1'),
    subject: `CN=${opts.cn}`,
    issuer: new x509.X509Certificate(issuer.certPem).subject,
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    publicKey: keys.publicKey,
    signingKey,
    extensions,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certPem: cert.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`,
    certDer: Buffer.from(cert.rawData),
    spkiDer: Buffer.from(cert.publicKey.rawData),
    fullChainPem: '',
  };
}

/** Self-signed, with a SAN but no keyUsage, so OpenSSL accepts it as its own issuer. */
async function selfSignedWithoutKeyUsage(cn: string): Promise<Issued> {
  const alg: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: cn }])],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: '',
    certDer: Buffer.from(cert.rawData),
    spkiDer: Buffer.from(cert.publicKey.rawData),
    fullChainPem: '',
  };
}

let root: TestCa;
let otherRoot: TestCa;
let intermediate: TestCa;
let leaf: Issued; // mx.example.com, issued by intermediate
let selfSigned: Issued; // mx.example.com
let stranger: Issued; // an unrelated self-signed certificate
let expiredLeaf: Issued;
let wildcardLeaf: Issued;
let partialWildcardLeaf: Issued;
let otherRootLeaf: Issued;

beforeAll(async () => {
  root = await createTestCa('DANE Test Root');
  otherRoot = await createTestCa('DANE Other Root');
  intermediate = await root.intermediate('DANE Test Intermediate');
  leaf = await intermediate.issue({ commonName: MX, sans: [MX] });
  selfSigned = await createSelfSigned({ commonName: MX, sans: [MX] });
  stranger = await createSelfSigned({ commonName: 'stranger.example', sans: ['stranger.example'] });
  expiredLeaf = await intermediate.issue({
    commonName: MX,
    sans: [MX],
    notBefore: new Date(Date.now() - 60 * DAY),
    notAfter: new Date(Date.now() - 30 * DAY),
  });
  wildcardLeaf = await intermediate.issue({ commonName: '*.example.com', sans: ['*.example.com'] });
  partialWildcardLeaf = await intermediate.issue({ commonName: 'm*.example.com', sans: ['m*.example.com'] });
  otherRootLeaf = await otherRoot.issue({ commonName: MX, sans: [MX] });
});

/** The chain as a well-behaved server presents it: leaf, intermediate, root. */
function fullChain(end: Issued = leaf): Buffer[] {
  return [end.certDer, intermediate.certDer, root.certDer];
}

describe('isUsableOnSmtp', () => {
  const digest = (n: number): string => 'ab'.repeat(n);

  it('accepts DANE-TA and DANE-EE with known selector and matching type', () => {
    for (const usage of [2, 3]) {
      for (const selector of [0, 1]) {
        expect(isUsableOnSmtp({ usage, selector, matchingType: 0, data: digest(70) })).toBe(true);
        expect(isUsableOnSmtp({ usage, selector, matchingType: 1, data: digest(32) })).toBe(true);
        expect(isUsableOnSmtp({ usage, selector, matchingType: 2, data: digest(64) })).toBe(true);
      }
    }
  });

  it('rejects PKIX usages 0 and 1 on port 25, and unknown usages', () => {
    for (const usage of [0, 1, 4, 255]) {
      expect(isUsableOnSmtp({ usage, selector: 1, matchingType: 1, data: digest(32) })).toBe(false);
    }
  });

  it('rejects unknown selectors and matching types', () => {
    expect(isUsableOnSmtp({ usage: 3, selector: 2, matchingType: 1, data: digest(32) })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 3, data: digest(32) })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 255, data: digest(32) })).toBe(false);
  });

  it('rejects data that can never match: wrong digest length, empty, not hex', () => {
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 1, data: digest(31) })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 1, data: digest(64) })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 2, data: digest(32) })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 0, data: '' })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 1, data: 'zz'.repeat(32) })).toBe(false);
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 0, data: 'abc' })).toBe(false);
  });

  it('accepts upper-case hex', () => {
    expect(isUsableOnSmtp({ usage: 3, selector: 1, matchingType: 1, data: 'AB'.repeat(32) })).toBe(true);
  });
});

describe('tlsaRecordFromAnswer', () => {
  it('hex-encodes the association data in lower case', () => {
    const record = tlsaRecordFromAnswer({
      usage: 3,
      selector: 1,
      matchingType: 1,
      certificate: Uint8Array.from([0x00, 0xab, 0xff]),
    });
    expect(record).toEqual({ usage: 3, selector: 1, matchingType: 1, data: '00abff' });
  });

  it('encodes only the view, not the whole underlying buffer', () => {
    const backing = Uint8Array.from([1, 2, 3, 4, 5]);
    const record = tlsaRecordFromAnswer({
      usage: 2,
      selector: 0,
      matchingType: 0,
      certificate: backing.subarray(1, 3),
    });
    expect(record.data).toBe('0203');
  });
});

describe('DANE-EE (usage 3)', () => {
  const params: [number, number][] = [
    [0, 0],
    [0, 1],
    [0, 2],
    [1, 0],
    [1, 1],
    [1, 2],
  ];

  it.each(params)('selector %i matching type %i: matches the leaf', (selector, matchingType) => {
    const verdict = verifyDane([tlsa(3, selector, matchingType, selfSigned)], [selfSigned.certDer], [MX]);
    expect(verdict).toEqual({
      state: 'valid',
      matched: `3 ${selector} ${matchingType}`,
      reason: expect.any(String) as unknown,
    });
  });

  it.each(params)(
    'selector %i matching type %i: another certificate is a mismatch',
    (selector, matchingType) => {
      const verdict = verifyDane([tlsa(3, selector, matchingType, stranger)], [selfSigned.certDer], [MX]);
      expect(verdict.state).toBe('mismatch');
      expect(verdict.matched).toBeNull();
      expect(verdict.reason).toMatch(/matches none of the 1 usable/);
    },
  );

  it('selector 1 hashes the SPKI exactly as the certificate encodes it', () => {
    const exported = new X509Certificate(leaf.certDer).publicKey.export({ type: 'spki', format: 'der' });
    expect(exported.equals(leaf.spkiDer)).toBe(true);
    expect(verifyDane([tlsa(3, 1, 0, leaf)], fullChain(), [MX]).state).toBe('valid');
  });

  it('accepts upper-case hex in the record', () => {
    const record = tlsa(3, 1, 1, selfSigned);
    expect(
      verifyDane([{ ...record, data: record.data.toUpperCase() }], [selfSigned.certDer], [MX]).state,
    ).toBe('valid');
  });

  it('a one-byte difference in the digest is a mismatch', () => {
    const record = tlsa(3, 1, 1, selfSigned);
    const last = record.data.slice(-2) === '00' ? '01' : '00';
    const verdict = verifyDane(
      [{ ...record, data: record.data.slice(0, -2) + last }],
      [selfSigned.certDer],
      [MX],
    );
    expect(verdict.state).toBe('mismatch');
  });

  it('ignores expiry: an expired leaf still matches', () => {
    const verdict = verifyDane([tlsa(3, 1, 1, expiredLeaf)], fullChain(expiredLeaf), [MX]);
    expect(verdict).toMatchObject({ state: 'valid', matched: '3 1 1' });
  });

  it('ignores expiry via `now` too: long after notAfter the leaf still matches', () => {
    const verdict = verifyDane([tlsa(3, 0, 1, leaf)], fullChain(), [MX], new Date(Date.now() + 3650 * DAY));
    expect(verdict.state).toBe('valid');
  });

  it('ignores names: a leaf for another host still matches', () => {
    const verdict = verifyDane([tlsa(3, 1, 1, selfSigned)], [selfSigned.certDer], ['other.example.net']);
    expect(verdict).toMatchObject({ state: 'valid', matched: '3 1 1' });
  });

  it('matches the leaf only: a record for the intermediate or root is a mismatch', () => {
    expect(verifyDane([tlsa(3, 1, 1, intermediate)], fullChain(), [MX]).state).toBe('mismatch');
    expect(verifyDane([tlsa(3, 0, 1, root)], fullChain(), [MX]).state).toBe('mismatch');
  });

  it('does not need the rest of the chain', () => {
    expect(verifyDane([tlsa(3, 1, 1, leaf)], [leaf.certDer], [MX]).state).toBe('valid');
  });
});

describe('DANE-TA (usage 2)', () => {
  it('SHA-256 of the root SPKI, via an intermediate: valid', () => {
    const verdict = verifyDane([tlsa(2, 1, 1, root)], fullChain(), [MX]);
    expect(verdict).toMatchObject({ state: 'valid', matched: '2 1 1' });
  });

  it('full root certificate (2 0 0) and its SHA-512 (2 0 2): valid', () => {
    expect(verifyDane([tlsa(2, 0, 0, root)], fullChain(), [MX])).toMatchObject({
      state: 'valid',
      matched: '2 0 0',
    });
    expect(verifyDane([tlsa(2, 0, 2, root)], fullChain(), [MX])).toMatchObject({
      state: 'valid',
      matched: '2 0 2',
    });
  });

  it('the intermediate as anchor: valid without the root presented', () => {
    const verdict = verifyDane([tlsa(2, 1, 1, intermediate)], [leaf.certDer, intermediate.certDer], [MX]);
    expect(verdict).toMatchObject({ state: 'valid', matched: '2 1 1' });
  });

  it('accepts a chain presented out of order (RFC 8446 §4.4.2)', () => {
    const chain = [leaf.certDer, root.certDer, intermediate.certDer];
    expect(verifyDane([tlsa(2, 1, 1, root)], chain, [MX]).state).toBe('valid');
  });

  it('skips an unparseable certificate in the middle of the chain', () => {
    const chain = [leaf.certDer, Buffer.from('garbage'), intermediate.certDer, root.certDer];
    expect(verifyDane([tlsa(2, 1, 1, root)], chain, [MX]).state).toBe('valid');
  });

  it('the anchor must be presented: a root missing from the chain is a mismatch', () => {
    const verdict = verifyDane([tlsa(2, 1, 1, root)], [leaf.certDer, intermediate.certDer], [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/matches none/);
  });

  it('the anchor must not be the leaf itself', async () => {
    expect(verifyDane([tlsa(2, 1, 1, leaf)], fullChain(), [MX]).state).toBe('mismatch');
    // A self-signed leaf sent twice would otherwise pass as its own trust anchor. pki's self-signed leaf
    // lacks keyCertSign, which OpenSSL's issuer check already rejects, so use one without keyUsage.
    const bare = await selfSignedWithoutKeyUsage(MX);
    const twice = [bare.certDer, bare.certDer];
    expect(verifyDane([tlsa(2, 0, 1, bare)], twice, [MX])).toMatchObject({ state: 'mismatch' });
    expect(verifyDane([tlsa(3, 0, 1, bare)], twice, [MX])).toMatchObject({ state: 'valid' });
  });

  it('an expired leaf is a mismatch even though the anchor matched', () => {
    const verdict = verifyDane([tlsa(2, 1, 1, root)], fullChain(expiredLeaf), [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/2 1 1 matched a trust anchor but the leaf certificate expired/);
  });

  it('checks the leaf dates at `now`', () => {
    // Intermediate as anchor, so no certificate between leaf and anchor whose dates could fail first.
    const records = [tlsa(2, 1, 1, intermediate)];
    const chain = [leaf.certDer, intermediate.certDer];
    expect(verifyDane(records, chain, [MX], new Date()).state).toBe('valid');
    expect(verifyDane(records, chain, [MX], new Date(Date.now() + 60 * DAY)).reason).toMatch(
      /the leaf certificate expired on/,
    );
    expect(verifyDane(records, chain, [MX], new Date(Date.now() - 2 * DAY)).reason).toMatch(
      /the leaf certificate is not valid before/,
    );
  });

  it('a leaf naming another host is a mismatch', () => {
    const verdict = verifyDane([tlsa(2, 1, 1, root)], fullChain(), ['mail.example.net']);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/does not match mail\.example\.net/);
  });

  it('matches any of the reference names, case-insensitively and with a trailing dot', () => {
    const records = [tlsa(2, 1, 1, root)];
    expect(verifyDane(records, fullChain(), ['mail.example.net', 'MX.Example.COM.']).state).toBe('valid');
    expect(verifyDane(records, fullChain(), []).state).toBe('mismatch');
  });

  it('a wildcard covers exactly one label', () => {
    const records = [tlsa(2, 1, 1, root)];
    const chain = fullChain(wildcardLeaf);
    expect(verifyDane(records, chain, ['mx.example.com']).state).toBe('valid');
    expect(verifyDane(records, chain, ['a.mx.example.com'])).toMatchObject({
      state: 'mismatch',
      reason: expect.stringMatching(/does not match a\.mx\.example\.com/) as unknown,
    });
    expect(verifyDane(records, chain, ['example.com']).state).toBe('mismatch');
  });

  it('a partial-label wildcard matches nothing', () => {
    expect(verifyDane([tlsa(2, 1, 1, root)], fullChain(partialWildcardLeaf), [MX]).state).toBe('mismatch');
  });

  it('an anchor that did not issue the chain is a mismatch', () => {
    // otherRoot is presented and matches the record, but the leaf came from another CA.
    const verdict = verifyDane([tlsa(2, 1, 1, otherRoot)], [leaf.certDer, otherRoot.certDer], [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/does not chain to the matched trust anchor/);
    // Its own leaf does chain.
    expect(
      verifyDane([tlsa(2, 1, 1, otherRoot)], [otherRootLeaf.certDer, otherRoot.certDer], [MX]).state,
    ).toBe('valid');
  });

  it('a leaf whose signature does not verify is a mismatch', () => {
    const chain = [corruptSignature(leaf.certDer), intermediate.certDer, root.certDer];
    const verdict = verifyDane([tlsa(2, 1, 1, root)], chain, [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/signature on the leaf .* is bad/);
  });

  it('an intermediate outside its validity period breaks the path', async () => {
    const oldInt = await issueCustom(root, {
      cn: 'Expired Intermediate',
      ca: true,
      notBefore: new Date(Date.now() - 60 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const oldIntLeaf = await issueCustom(oldInt, { cn: MX, ca: false, sans: [MX] });
    const chain = [oldIntLeaf.certDer, oldInt.certDer, root.certDer];
    const verdict = verifyDane([tlsa(2, 1, 1, root)], chain, [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/intermediate .*Expired Intermediate.* expired/);
    // The same intermediate as the anchor itself is fine: the record pins it, dates aside.
    expect(verifyDane([tlsa(2, 1, 1, oldInt)], chain, [MX]).state).toBe('valid');
  });

  it('a non-CA certificate cannot act as an intermediate', async () => {
    const notCa = await issueCustom(root, { cn: 'Not A CA', ca: false, sans: ['notca.example'] });
    const signedByLeaf = await issueCustom(notCa, { cn: MX, ca: false, sans: [MX] });
    const chain = [signedByLeaf.certDer, notCa.certDer, root.certDer];
    const verdict = verifyDane([tlsa(2, 1, 1, root)], chain, [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/is not a CA/);
    // Control: a CA in the same position works.
    const ca = await issueCustom(root, { cn: 'Real CA', ca: true });
    const good = await issueCustom(ca, { cn: MX, ca: false, sans: [MX] });
    expect(verifyDane([tlsa(2, 1, 1, root)], [good.certDer, ca.certDer, root.certDer], [MX]).state).toBe(
      'valid',
    );
  });
});

describe('record selection', () => {
  it('usage 0/1 records only: unusable, even when they would match', () => {
    const records = [tlsa(0, 1, 1, root), tlsa(1, 1, 1, leaf)];
    const verdict = verifyDane(records, fullChain(), [MX]);
    expect(verdict).toEqual({
      state: 'unusable',
      matched: null,
      reason: expect.stringMatching(/none of the 2/) as unknown,
    });
  });

  it('no records at all: unusable', () => {
    expect(verifyDane([], fullChain(), [MX]).state).toBe('unusable');
  });

  it('unusable is decided before the chain is looked at', () => {
    expect(verifyDane([tlsa(1, 1, 1, leaf)], [], [MX]).state).toBe('unusable');
  });

  it('an unknown matching type is ignored', () => {
    const unknown: TlsaRecord = { ...tlsa(3, 1, 1, leaf), matchingType: 3 };
    expect(verifyDane([unknown], fullChain(), [MX]).state).toBe('unusable');
    // Alongside a usable record that does not match, the verdict counts only the usable one.
    const verdict = verifyDane([unknown, tlsa(3, 1, 1, stranger)], fullChain(), [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/none of the 1 usable TLSA record\(s\): 3 1 1/);
  });

  it('unknown selector and usage are ignored', () => {
    const records: TlsaRecord[] = [
      { ...tlsa(3, 1, 1, leaf), selector: 2 },
      { ...tlsa(3, 1, 1, leaf), usage: 4 },
    ];
    expect(verifyDane(records, fullChain(), [MX]).state).toBe('unusable');
  });

  it('mixed usable and unusable records: valid when a usable one matches', () => {
    const records = [
      tlsa(0, 1, 1, root),
      tlsa(1, 0, 1, leaf),
      { ...tlsa(3, 1, 1, leaf), matchingType: 9 },
      tlsa(3, 1, 1, stranger),
      tlsa(2, 1, 1, root),
    ];
    expect(verifyDane(records, fullChain(), [MX])).toMatchObject({ state: 'valid', matched: '2 1 1' });
  });

  it('mixed records: mismatch when no usable one matches, even if a PKIX one would', () => {
    const records = [tlsa(1, 1, 1, leaf), tlsa(3, 1, 1, stranger)];
    expect(verifyDane(records, fullChain(), [MX]).state).toBe('mismatch');
  });

  it('reports the anchor that matched over records that matched nothing', () => {
    const records = [tlsa(3, 1, 1, stranger), tlsa(2, 1, 1, root)];
    const verdict = verifyDane(records, fullChain(expiredLeaf), [MX]);
    expect(verdict.state).toBe('mismatch');
    expect(verdict.reason).toMatch(/matched a trust anchor but the leaf certificate expired/);
  });

  it('one valid record is enough even when others fail', () => {
    const records = [tlsa(2, 1, 1, root), tlsa(3, 1, 1, expiredLeaf)];
    // DANE-TA fails on the expired leaf; DANE-EE ignores expiry and matches.
    expect(verifyDane(records, fullChain(expiredLeaf), [MX])).toMatchObject({
      state: 'valid',
      matched: '3 1 1',
    });
  });
});

describe('malformed input', () => {
  it('an empty chain is a mismatch', () => {
    expect(verifyDane([tlsa(3, 1, 1, leaf)], [], [MX])).toEqual({
      state: 'mismatch',
      matched: null,
      reason: 'the server presented no certificate',
    });
  });

  it('a leaf that is not DER is a mismatch, even against a record of those exact bytes', () => {
    const garbage = Buffer.from('this is not a certificate');
    const record: TlsaRecord = { usage: 3, selector: 0, matchingType: 0, data: garbage.toString('hex') };
    expect(verifyDane([record], [garbage], [MX])).toMatchObject({ state: 'mismatch', matched: null });
    expect(verifyDane([tlsa(3, 1, 1, leaf)], [new Uint8Array(0)], [MX]).state).toBe('mismatch');
  });

  it('a truncated leaf is a mismatch', () => {
    const truncated = leaf.certDer.subarray(0, leaf.certDer.length - 20);
    expect(verifyDane([tlsa(3, 0, 1, leaf), tlsa(2, 1, 1, root)], [truncated], [MX]).state).toBe('mismatch');
    // Control: the intact leaf matches.
    expect(verifyDane([tlsa(3, 0, 1, leaf)], [leaf.certDer], [MX]).state).toBe('valid');
  });

  it('records with non-string data are unusable rather than a crash', () => {
    const bogus = { usage: 3, selector: 1, matchingType: 1, data: 42 } as unknown as TlsaRecord;
    expect(verifyDane([bogus], fullChain(), [MX]).state).toBe('unusable');
  });

  it('never throws on arbitrary records and chains', () => {
    const record = fc.record({
      usage: fc.integer({ min: -1, max: 5 }),
      selector: fc.integer({ min: -1, max: 3 }),
      matchingType: fc.integer({ min: -1, max: 3 }),
      data: fc.oneof(
        fc.string(),
        fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('hex')),
      ),
    });
    const der = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(leaf.certDer, intermediate.certDer, root.certDer, corruptSignature(leaf.certDer)),
      fc
        .tuple(fc.constantFrom(leaf.certDer, root.certDer), fc.nat())
        .map(([d, n]) => d.subarray(0, n % d.length)),
    );
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 4 }),
        fc.array(der, { maxLength: 4 }),
        fc.array(fc.string(), { maxLength: 2 }),
        (records, chain, names) => {
          const verdict = verifyDane(records, chain, names);
          expect(['valid', 'mismatch', 'unusable']).toContain(verdict.state);
          expect(verdict.matched === null).toBe(verdict.state !== 'valid');
        },
      ),
      { numRuns: 200 },
    );
  });
});
