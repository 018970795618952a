import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa } from './pki';

/**
 * The development HTTPS certificate: a local CA plus a localhost certificate, kept in data/dev-certs so the
 * CA needs trusting only once (Outlook loads add-ins only from HTTPS it trusts).
 */

export interface DevCertificate {
  cert: string;
  key: string;
  caFile: string;
  created: boolean;
}

export async function ensureDevCertificate(
  dataDir: string,
  hostNames: readonly string[],
): Promise<DevCertificate> {
  const dir = join(dataDir, 'dev-certs');
  const files = {
    ca: join(dir, 'ca.pem'),
    cert: join(dir, 'localhost.pem'),
    key: join(dir, 'localhost-key.pem'),
  };
  if (existsSync(files.cert) && existsSync(files.key) && existsSync(files.ca))
    return {
      cert: readFileSync(files.cert, 'utf8'),
      key: readFileSync(files.key, 'utf8'),
      caFile: files.ca,
      created: false,
    };

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createCa('TLS Gate Development CA');
  const leaf = await ca.issue({
    commonName: hostNames[0] ?? 'localhost',
    sans: [...new Set(['localhost', ...hostNames])],
    notAfter: new Date(Date.now() + 365 * 24 * 3600 * 1000),
  });
  writeFileSync(files.ca, ca.certPem, { mode: 0o644 });
  writeFileSync(files.cert, leaf.fullChainPem, { mode: 0o644 });
  writeFileSync(files.key, leaf.keyPem, { mode: 0o600 });
  return { cert: leaf.fullChainPem, key: leaf.keyPem, caFile: files.ca, created: true };
}
