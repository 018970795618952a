import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { BUILD_INFO, build } from '../../scripts/build';
import { parseSsoSettings } from '../../scripts/manifest';
import { PACKAGE_NAME, writePackage } from '../../scripts/package';
import { readPngSize, validateManifests } from '../../scripts/validate-manifest';

/**
 * npm run package: the Integrated Apps zip holds the unified manifest and everything it refers to. The one
 * real build here has Office SSO on; `npm test`'s own build and validate cover the default.
 */

const BASE = 'https://tlsgate.contoso.test/outlook';
const CLIENT_ID = '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90';
const SSO = parseSsoSettings({ ADDIN_SSO_CLIENT_ID: CLIENT_ID }, BASE);
let outDir: string;

// The timeout is a hang guard, not a speed check: a full production build takes minutes on a loaded 2-core
// machine.
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tlsgate-package-'));
  await build(BASE, outDir, SSO);
}, 240_000);

describe('npm run package', () => {
  it('writes a zip with manifest.json, its localization file and its icons, for the base URL', async () => {
    const target = writePackage(outDir);
    expect(target).toBe(join(outDir, PACKAGE_NAME));
    const entries = unzipSync(readFileSync(target));
    expect(Object.keys(entries).sort()).toEqual([
      'assets/icon-192.png',
      'assets/outline-32.png',
      'manifest.json',
      'nl-NL.json',
    ]);

    const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8')) as {
      id: string;
      validDomains: string[];
      icons: { color: string; outline: string };
      webApplicationInfo?: { id: string; resource: string };
    };
    expect(manifest.id).toBe('a469f3e5-3869-4c6e-8a9a-31aeb8ff3ae9');
    expect(manifest.validDomains).toEqual(['tlsgate.contoso.test']);
    expect(manifest.webApplicationInfo).toEqual({
      id: CLIENT_ID,
      resource: `api://tlsgate.contoso.test/${CLIENT_ID}`,
    });
    expect(Buffer.from(entries['manifest.json']!).toString('utf8')).not.toContain('localhost');
    expect(readPngSize(Buffer.from(entries[manifest.icons.color]!))).toEqual({ width: 192, height: 192 });
    expect(readPngSize(Buffer.from(entries[manifest.icons.outline]!))).toEqual({ width: 32, height: 32 });

    // The packaged manifest is the validated one from dist/.
    expect(Buffer.from(entries['manifest.json']!).equals(readFileSync(join(outDir, 'manifest.json')))).toBe(
      true,
    );
    expect(await validateManifests(outDir, BASE, SSO)).toEqual([]);
    expect(readFileSync(join(outDir, 'manifest.xml'), 'utf8')).toContain(
      `<Resource>api://tlsgate.contoso.test/${CLIENT_ID}</Resource>`,
    );
  });

  it('records the SSO settings in build-info.json, for npm start to tell a stale build', () => {
    expect(JSON.parse(readFileSync(join(outDir, BUILD_INFO), 'utf8'))).toEqual({
      baseUrl: BASE,
      ssoClientId: CLIENT_ID,
      ssoResource: `api://tlsgate.contoso.test/${CLIENT_ID}`,
      onBackendError: 'warn',
      builtAt: expect.any(String) as string,
    });
  });

  it('is reproducible byte for byte', () => {
    const first = readFileSync(writePackage(outDir));
    const second = readFileSync(writePackage(outDir));
    expect(first.equals(second)).toBe(true);
  });
});
