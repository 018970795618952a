import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Test builds made once and reused. A production webpack build takes 10-20 s on this 2-core machine, and
 * a dozen suites need the add-in built for their own loopback URL. The build embeds its base URL only as
 * text (a define in the bundles, the manifests' URLs and valid domains, build-info.json), so a build for
 * a placeholder base, kept under node_modules/.cache keyed by the sources and the options, is copied with
 * the placeholder replaced. Any change to a file the build reads makes a new key.
 */

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'tlsgate-test-builds');
export const PLACEHOLDER_BASE = 'https://tlsgate-build-placeholder.test:4443';
const PLACEHOLDER_HOST = new URL(PLACEHOLDER_BASE).host;

/** Everything a build reads: the code it bundles, the build scripts and their configuration. */
const INPUTS = ['addin', 'admin', 'ui', 'src', 'scripts', 'assets', 'webpack.config.ts', 'package-lock.json'];
const TEXT_FILE = /\.(js|mjs|html|xml|json|css|txt|map)$/;

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

let sourceHash: string | undefined;
function sourcesKey(): string {
  if (sourceHash) return sourceHash;
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(ROOT, input)))) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  sourceHash = hash.digest('hex');
  return sourceHash;
}

/** Builds for sources that changed a day ago are not coming back; they would only fill the disk. */
function forgetOldBuilds(): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
}

/** The cached output of `make(placeholderBase, dir)` for these options, built on first use. */
async function cached(
  kind: string,
  options: unknown,
  make: (base: string, dir: string) => Promise<void>,
): Promise<string> {
  const key = createHash('sha256')
    .update(`${kind}\0${JSON.stringify(options)}\0${sourcesKey()}`)
    .digest('hex')
    .slice(0, 32);
  const dir = join(CACHE, key);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  forgetOldBuilds();
  const building = mkdtempSync(join(CACHE, 'building-'));
  await make(PLACEHOLDER_BASE, building);
  writeFileSync(join(building, '.complete'), '');
  try {
    renameSync(building, dir);
  } catch {
    // Another jest worker finished the same build first: theirs is as good.
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** The text with the placeholder base (and its host, as manifests' valid domains) replaced by `baseUrl`. */
export function rebase(text: string, baseUrl: string): string {
  return text.replaceAll(PLACEHOLDER_BASE, baseUrl).replaceAll(PLACEHOLDER_HOST, new URL(baseUrl).host);
}

/** Copies a cached build into `outDir` for `baseUrl`. */
export async function cachedBuildInto(
  kind: string,
  options: unknown,
  make: (base: string, dir: string) => Promise<void>,
  baseUrl: string,
  outDir: string,
): Promise<void> {
  const dir = await cached(kind, options, make);
  rmSync(outDir, { recursive: true, force: true });
  cpSync(dir, outDir, { recursive: true });
  rmSync(join(outDir, '.complete'));
  for (const file of filesUnder(outDir).filter((f) => TEXT_FILE.test(f))) {
    const text = readFileSync(file, 'utf8');
    if (text.includes(PLACEHOLDER_HOST)) writeFileSync(file, rebase(text, baseUrl));
  }
}

/** One cached file's text for `baseUrl`. */
export async function cachedFile(
  kind: string,
  options: unknown,
  make: (base: string, dir: string) => Promise<void>,
  file: string,
  baseUrl: string,
): Promise<string> {
  const dir = await cached(kind, options, make);
  return rebase(readFileSync(join(dir, file), 'utf8'), baseUrl);
}
