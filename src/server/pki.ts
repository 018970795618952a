/**
 * A small PKI for the development certificate (dev-cert.ts): a root CA that issues server leaves. The tests'
 * PKI (test/support/pki.ts) builds intermediates and self-signed leaves on makeCertificate, so both make
 * certificates the same way. ECDSA P-256 keeps generation fast.
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
}

/** A certificate with its key pair: what signs the certificates below it. */
export interface KeyedCertificate {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
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

function dnEscape(value: string): string {
  return value.replace(/[\\,+="<>;#]/g, (c) => `\\${c}`);
}

/** The PEMs of a certificate and its key; `issuerChainPem` is its issuer's full chain ('' for a root). */
export function toIssued(made: KeyedCertificate, issuerChainPem: string): Issued {
  const certPem = made.cert.toString('pem') + '\n';
  return {
    certPem,
    keyPem: KeyObject.from(made.keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string,
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
  sans: readonly string[],
  publicKey: CryptoKey,
  issuerKey: CryptoKey,
): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'dns' as const, value }))),
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

export interface CertificateSpec {
  commonName: string;
  /** A CA certificate, or (with sans) a server leaf. */
  ca: boolean;
  sans?: readonly string[];
  /** Default: from a day ago. */
  notBefore?: Date;
  /** Default: 30 days from now. */
  notAfter?: Date;
}

/** A fresh key pair and a certificate for it, signed by `issuer`, or by its own key without one. */
export async function makeCertificate(
  spec: CertificateSpec,
  issuer?: KeyedCertificate,
): Promise<KeyedCertificate> {
  const keys = await generateKeys();
  const signer = issuer?.keys ?? keys;
  const extensions = spec.ca
    ? await caExtensions(keys.publicKey, signer.publicKey)
    : await leafExtensions(spec.sans ?? [], keys.publicKey, signer.publicKey);
  const common = {
    serialNumber: serial(),
    ...defaultValidity(spec),
    signingAlgorithm: SIGN_ALG,
    extensions,
  };
  const name = `CN=${dnEscape(spec.commonName)}`;
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: name,
        issuer: issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name, keys });
  return { cert, keys };
}

/** A CA from its certificate and key; `issuerChainPem` is its issuer's full chain ('' for a root). */
function authority(name: string, self: KeyedCertificate, issuerChainPem: string): CertificateAuthority {
  const issued = toIssued(self, issuerChainPem);
  return {
    ...issued,
    name,
    async issue(opts: LeafOptions): Promise<Issued> {
      return toIssued(await makeCertificate({ ...opts, ca: false }, self), issued.fullChainPem);
    },
  };
}

/** Self-signed root CA, valid for a year. */
export async function createCa(name = 'TLS Gate Root CA'): Promise<CertificateAuthority> {
  const root = await makeCertificate({
    commonName: name,
    ca: true,
    notAfter: new Date(Date.now() + 365 * DAY),
  });
  return authority(name, root, '');
}
