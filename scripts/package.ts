/**
 * `npm run package`: ADDIN_BASE_URL=https://host/path builds dist/ and adds the zip that Microsoft 365
 * Integrated Apps accepts: the unified manifest with everything it references (localization file, icons).
 * ADDIN_SSO_CLIENT_ID / ADDIN_SSO_RESOURCE turn on Office SSO, as for `npm run build`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { build, buildSettingsOrExit, describeSso, DIST } from './build';

export const PACKAGE_NAME = 'tlsgate-integrated-apps.zip';

interface UnifiedManifest {
  icons: { color: string; outline: string };
  localizationInfo?: { additionalLanguages?: Array<{ file: string }> };
}

/** The files manifest.json refers to, as paths inside the package. */
export function packagedFiles(manifest: UnifiedManifest): string[] {
  return [
    'manifest.json',
    manifest.icons.color,
    manifest.icons.outline,
    ...(manifest.localizationInfo?.additionalLanguages ?? []).map((language) => language.file),
  ];
}

export function writePackage(outDir = DIST): string {
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as UnifiedManifest;
  const entries: Zippable = {};
  for (const file of packagedFiles(manifest)) {
    if (file.includes('..') || file.startsWith('/'))
      throw new Error(`manifest.json refers outside the package: ${file}`);
    entries[file] = readFileSync(join(outDir, file));
  }
  const target = join(outDir, PACKAGE_NAME);
  // A fixed timestamp keeps the zip byte-for-byte reproducible for the same inputs.
  writeFileSync(target, zipSync(entries, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
  return target;
}

if (require.main === module) {
  const { baseUrl, sso } = buildSettingsOrExit('package');
  build(baseUrl, DIST, sso)
    .then(() => {
      const target = writePackage();
      process.stdout.write(
        `Built for ${baseUrl} (${describeSso(sso)}):\n  ${join(DIST, 'manifest.xml')}\n  ${join(DIST, 'manifest.json')}\n  ${target}  (upload in Microsoft 365 admin center > Settings > Integrated apps)\n`,
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(`package failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
