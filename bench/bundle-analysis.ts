/**
 * What the add-in's bundles are made of: webpack builds a config with a hidden source map (the emitted
 * code is the same bytes as without one) and every byte of the minified output is charged to the source
 * file it came from, then summed by package (node_modules) or folder. Used by bench:onsend and
 * bench:taskpane; test/addin/bundle-size.test.ts holds the budgets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import webpack from 'webpack';

export interface BundleFile {
  file: string;
  /** Loaded by the page before anything lazy (an entry chunk). */
  initial: boolean;
  code: string;
  /** Minified bytes per source, as named by the source map (webpack://…/./path). */
  bySource: Map<string, number>;
}

interface SourceMapV3 {
  sources: string[];
  mappings: string;
}

/** Output no source map segment names: webpack's runtime, module wrappers, chunk loading. */
const UNMAPPED = '(webpack runtime and glue)';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map(Array.from({ length: BASE64.length }, (_, i) => [BASE64.charAt(i), i]));

/** One mappings segment's fields (base64 VLQ, source map v3). */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = DIGIT.get(c) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * Output bytes per source: each mapped segment owns the text up to the next segment on its line. Columns
 * (UTF-16 units, as String#slice counts) restart on each line; the source index runs on.
 */
export function bytesBySource(code: string, map: SourceMapV3): Map<string, number> {
  const sizes = new Map<string, number>();
  const add = (name: string, text: string) => {
    if (text.length > 0) sizes.set(name, (sizes.get(name) ?? 0) + Buffer.byteLength(text));
  };
  const lines = code.split('\n');
  const mappingLines = map.mappings.split(';');
  let source = 0;
  lines.forEach((line, index) => {
    let column = 0;
    let owner = UNMAPPED;
    for (const segment of (mappingLines[index] ?? '').split(',')) {
      if (!segment) continue;
      const fields = decodeSegment(segment);
      const start = column + (fields[0] ?? 0);
      add(owner, line.slice(column, start));
      column = start;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        owner = map.sources[source] ?? UNMAPPED;
      } else owner = UNMAPPED;
    }
    add(owner, `${line.slice(column)}${index < lines.length - 1 ? '\n' : ''}`);
  });
  return sizes;
}

/** A package for node_modules (core-js, @fluentui/react-button), otherwise the folder (src/core/classifier). */
export function groupOf(source: string): string {
  const path = source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^\.\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg?.[1]) return pkg[1];
  if (path.startsWith('webpack/') || source === UNMAPPED) return UNMAPPED;
  const parts = path.split('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : path;
}

/** The file's path without the webpack:// prefix, for the top-modules list. */
export function fileOf(source: string): string {
  return source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^\.\//, '');
}

/**
 * Modules bundled more than once: the same file of a package from two node_modules folders (two versions, or
 * one not deduplicated by npm). Each name is listed with its copies' paths.
 */
export function duplicates(files: readonly BundleFile[]): string[] {
  const copies = new Map<string, Set<string>>();
  for (const file of files)
    for (const source of file.bySource.keys()) {
      const path = fileOf(source);
      const inPackage = /.*node_modules\/((?:@[^/]+\/)?[^/]+\/.*)$/.exec(path)?.[1];
      if (!inPackage) continue;
      const seen = copies.get(inPackage) ?? new Set<string>();
      seen.add(path);
      copies.set(inPackage, seen);
    }
  return [...copies]
    .filter(([, paths]) => paths.size > 1)
    .map(([name, paths]) => `${name}: ${[...paths].join(', ')}`);
}

function totalsBy(files: readonly BundleFile[], key: (source: string) => string): [string, number][] {
  const totals = new Map<string, number>();
  for (const file of files)
    for (const [source, bytes] of file.bySource) {
      const name = key(source);
      totals.set(name, (totals.get(name) ?? 0) + bytes);
    }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * Builds `config` with a hidden source map into a temp dir of its own (its output.path is not used) and
 * reads what it emitted; the temp dir is removed.
 */
export async function buildAndAnalyse(config: webpack.Configuration): Promise<BundleFile[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'tlsgate-bundle-'));
  try {
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      const compiler = webpack({
        ...config,
        devtool: 'hidden-source-map',
        output: { ...config.output, path: outDir },
      });
      compiler.run((error, result) => {
        compiler.close(() => undefined);
        if (error) reject(error);
        else if (!result || result.hasErrors())
          reject(new Error(result?.toString({ all: false, errors: true }) ?? 'no result'));
        else resolve(result);
      });
    });
    const files: BundleFile[] = [];
    for (const chunk of stats.toJson({ all: false, chunks: true }).chunks ?? [])
      for (const file of chunk.files) {
        if (!file.endsWith('.js')) continue;
        const code = readFileSync(join(outDir, file), 'utf8');
        const map = JSON.parse(readFileSync(join(outDir, `${file}.map`), 'utf8')) as SourceMapV3;
        files.push({ file, initial: chunk.initial, code, bySource: bytesBySource(code, map) });
      }
    return files;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;

/** As bench:taskpane and test/addin/bundle-size.test.ts measure it: gzip level 9. */
export function gzipSize(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}

/**
 * The files' total (gzipped each on its own, as the page downloads them), then the `top` heaviest
 * packages/folders and source files, in minified bytes with their share: where the bytes come from.
 */
export function formatAnalysis(title: string, files: readonly BundleFile[], top = 15): string {
  const total = files.reduce((sum, f) => sum + Buffer.byteLength(f.code), 0);
  const lines = [
    `  ${title}: ${kb(total).trim()} minified, ${kb(files.reduce((sum, f) => sum + gzipSize(f.code), 0)).trim()} gzipped`,
  ];
  const share = (bytes: number) => `${((100 * bytes) / Math.max(total, 1)).toFixed(1).padStart(5)}%`;
  lines.push(`    heaviest packages and folders (minified bytes, from the source map):`);
  for (const [name, bytes] of totalsBy(files, groupOf).slice(0, top))
    lines.push(`      ${kb(bytes)} ${share(bytes)}  ${name}`);
  lines.push(`    heaviest source files:`);
  for (const [name, bytes] of totalsBy(files, fileOf).slice(0, top))
    lines.push(`      ${kb(bytes)} ${share(bytes)}  ${name}`);
  const twice = duplicates(files);
  lines.push(`    modules bundled twice: ${twice.length === 0 ? 'none' : twice.length}`);
  for (const line of twice.slice(0, top)) lines.push(`      ${line}`);
  return lines.join('\n');
}

/** Null within the budget; else by how much it is over and the two heaviest parts, for the bench's output. */
export function overBudget(files: readonly BundleFile[], budget: number): string | null {
  const total = files.reduce((sum, f) => sum + Buffer.byteLength(f.code), 0);
  if (total <= budget) return null;
  const [first, second] = totalsBy(files, groupOf);
  const part = (entry: [string, number] | undefined) =>
    entry ? `${entry[0]} (${kb(entry[1]).trim()}, ${((100 * entry[1]) / total).toFixed(0)}%)` : '';
  return `Over the budget by ${kb(total - budget).trim()}; the heaviest parts are ${part(first)} and ${part(second)}.`;
}
