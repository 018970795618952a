/** The tests' PKI is the server's own (src/server/pki.ts), so both exercise the same certificates. */
export * from '../../src/server/pki';
export { createCa as createTestCa, type CertificateAuthority as TestCa } from '../../src/server/pki';
