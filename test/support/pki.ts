/**
 * The tests' PKI: root CAs with intermediates, server leaves (expired or misnamed on request), self-signed
 * leaves, and the DER forms DANE records are made from. Certificates are made by the server's own
 * makeCertificate (src/server/pki.ts), so tests and the development certificate exercise the same code.
 */
import {
  makeCertificate,
  toIssued,
  type Issued as PemIssued,
  type KeyedCertificate,
  type LeafOptions,
} from '../../src/server/pki';

export type { LeafOptions } from '../../src/server/pki';

export interface Issued extends PemIssued {
  certDer: Buffer;
  /** DER SubjectPublicKeyInfo of the certificate's key (DANE selector 1). */
  spkiDer: Buffer;
}

export interface TestCa extends Issued {
  name: string;
  issue(opts: LeafOptions): Promise<Issued>;
  intermediate(name: string): Promise<TestCa>;
}

const YEAR = 365 * 24 * 60 * 60 * 1000;

function withDer(made: KeyedCertificate, issuerChainPem: string): Issued {
  return {
    ...toIssued(made, issuerChainPem),
    certDer: Buffer.from(made.cert.rawData),
    spkiDer: Buffer.from(made.cert.publicKey.rawData),
  };
}

function testCa(name: string, self: KeyedCertificate, issuerChainPem: string): TestCa {
  const issued = withDer(self, issuerChainPem);
  return {
    ...issued,
    name,
    async issue(opts: LeafOptions): Promise<Issued> {
      return withDer(await makeCertificate({ ...opts, ca: false }, self), issued.fullChainPem);
    },
    async intermediate(subName: string): Promise<TestCa> {
      return testCa(
        subName,
        await makeCertificate({ commonName: subName, ca: true }, self),
        issued.fullChainPem,
      );
    },
  };
}

/** Self-signed root CA, valid for a year. */
export async function createTestCa(name = 'TLS Gate Root CA'): Promise<TestCa> {
  const root = await makeCertificate({ commonName: name, ca: true, notAfter: new Date(Date.now() + YEAR) });
  return testCa(name, root, '');
}

/** A leaf signed by its own key; not a CA, so it can only be trusted by pinning (e.g. DANE-EE). */
export async function createSelfSigned(opts: LeafOptions): Promise<Issued> {
  return withDer(await makeCertificate({ ...opts, ca: false }), '');
}
