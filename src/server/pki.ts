/**
 * A small PKI: a root CA (optionally intermediates) that issues server leaves, plus self-signed leaves.
 * Used for the development certificate and by the tests' mail internet. ECDSA P-256 keeps generation fast.
 */
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';

// tsconfig has no DOM lib, so take the WebCrypto types from Node.
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// @peculiar/x509 pulls in tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto is the standard one; the DOM lib types it differently.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface Issued {
  certPem: string;
  /** PKCS#8 PEM */
  keyPem: string;
  certDer: Buffer;
  /** DER SubjectPublicKeyInfo of the certificate's key (DANE selector 1). */
  spkiDer: Buffer;
  /** This certificate followed by its issuer chain up to and including the root; hand this to servers. */
  fullChainPem: string;
}

export interface LeafOptions {
  commonName: string;
  /** DNS names for the subjectAltName extension. */
  sans: string[];
  notBefore?: Date;
  notAfter?: Date;
}

export interface CertificateAuthority extends Issued {
  name: string;
  issue(opts: LeafOptions): Promise<Issued>;
  intermediate(name: string): Promise<CertificateAuthority>;
}

const DAY = 24 * 60 * 60 * 1000;
const KEY_ALG: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALG: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
}

/** Positive 16-byte serial (top bit clear so DER does not need a sign byte). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function keyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

function dnEscape(value: string): string {
  return value.replace(/[\\,+="<>;#]/g, (c) => `\\${c}`);
}

function toIssued(cert: x509.X509Certificate, keys: CryptoKeyPair, issuerChainPem: string): Issued {
  const certPem = cert.toString('pem') + '\n';
  return {
    certPem,
    keyPem: keyPem(keys.privateKey),
    certDer: Buffer.from(cert.rawData),
    spkiDer: Buffer.from(cert.publicKey.rawData),
    fullChainPem: certPem + issuerChainPem,
  };
}

function defaultValidity(opts: { notBefore?: Date; notAfter?: Date }): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return {
    notBefore: opts.notBefore ?? new Date(now - DAY),
    notAfter: opts.notAfter ?? new Date(now + 30 * DAY),
  };
}

async function leafExtensions(
  opts: LeafOptions,
  publicKey: CryptoKey,
  issuerKey: CryptoKey,
): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(opts.sans.map((value) => ({ type: 'dns' as const, value }))),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKey),
  ];
}

async function caExtensions(publicKey: CryptoKey, issuerKey: CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKey),
  ];
}

function makeCa(
  name: string,
  cert: x509.X509Certificate,
  keys: CryptoKeyPair,
  issuerChainPem: string,
): CertificateAuthority {
  const self = toIssued(cert, keys, issuerChainPem);
  return {
    ...self,
    name,
    async issue(opts: LeafOptions): Promise<Issued> {
      const leafKeys = await generateKeys();
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${dnEscape(opts.commonName)}`,
        issuer: cert.subject,
        ...defaultValidity(opts),
        signingAlgorithm: SIGN_ALG,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        extensions: await leafExtensions(opts, leafKeys.publicKey, keys.publicKey),
      });
      return toIssued(leaf, leafKeys, self.fullChainPem);
    },
    async intermediate(subName: string): Promise<CertificateAuthority> {
      const subKeys = await generateKeys();
      const sub = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${dnEscape(subName)}`,
        issuer: cert.subject,
        ...defaultValidity({}),
        signingAlgorithm: SIGN_ALG,
        publicKey: subKeys.publicKey,
        signingKey: keys.privateKey,
        extensions: await caExtensions(subKeys.publicKey, keys.publicKey),
      });
      return makeCa(subName, sub, subKeys, self.fullChainPem);
    },
  };
}

/** Self-signed root CA. */
export async function createCa(name = 'TLS Gate Root CA'): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${dnEscape(name)}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: await caExtensions(keys.publicKey, keys.publicKey),
  });
  return makeCa(name, cert, keys, '');
}

/** A leaf signed by its own key; not a CA, so it can only be trusted by pinning (e.g. DANE-EE). */
export async function createSelfSigned(opts: LeafOptions): Promise<Issued> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${dnEscape(opts.commonName)}`,
    ...defaultValidity(opts),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: await leafExtensions(opts, keys.publicKey, keys.publicKey),
  });
  return toIssued(cert, keys, '');
}
