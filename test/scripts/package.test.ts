import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { build } from '../../scripts/build';
import { PACKAGE_NAME, writePackage } from '../../scripts/package';
import { readPngSize, validateManifests } from '../../scripts/validate-manifest';

/** npm run package: the Integrated Apps zip holds the unified manifest and everything it refers to. */

const BASE = 'https://tlsgate.contoso.test/outlook';
let outDir: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tlsgate-package-'));
  await build(BASE, outDir);
}, 60_000);

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
    };
    expect(manifest.id).toBe('a469f3e5-3869-4c6e-8a9a-31aeb8ff3ae9');
    expect(manifest.validDomains).toEqual(['tlsgate.contoso.test']);
    expect(Buffer.from(entries['manifest.json']!).toString('utf8')).not.toContain('localhost');
    expect(readPngSize(Buffer.from(entries[manifest.icons.color]!))).toEqual({ width: 192, height: 192 });
    expect(readPngSize(Buffer.from(entries[manifest.icons.outline]!))).toEqual({ width: 32, height: 32 });

    // The packaged manifest is the validated one from dist/.
    expect(Buffer.from(entries['manifest.json']!).equals(readFileSync(join(outDir, 'manifest.json')))).toBe(
      true,
    );
    expect(await validateManifests(outDir, BASE)).toEqual([]);
  });

  it('is reproducible byte for byte', () => {
    const first = readFileSync(writePackage(outDir));
    const second = readFileSync(writePackage(outDir));
    expect(first.equals(second)).toBe(true);
  });
});
