import { execFile, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The README is the front door: short, opening with the two commands, and pointing at a page in docs/ for
 * everything else. These tests keep it so, and keep every reference to a file, a heading, a command or a
 * package pointing at something that exists.
 */

const ROOT = join(__dirname, '..');
const run = promisify(execFile);

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** README.md, every docs/*.md and bench/README.md, relative to the repository. */
const DOCS_PAGES = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOCS_PAGES, 'bench/README.md'];

/** The page's lines outside fenced code blocks, with their 1-based line numbers. */
function proseLines(text: string): Array<{ line: string; number: number }> {
  const out: Array<{ line: string; number: number }> = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) out.push({ line, number: index + 1 });
  });
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

/** Link targets in prose (inline code and code blocks left out), e.g. `docs/api.md#routes`. */
function links(text: string): Array<{ target: string; number: number }> {
  const out: Array<{ target: string; number: number }> = [];
  for (const { line, number } of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
      if (match[1] !== undefined) out.push({ target: match[1], number });
  }
  return out;
}

describe('the README', () => {
  const readme = read('README.md');

  it('fits on a newcomer’s first screenfuls: at most 200 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });

  it('opens with the two commands', () => {
    expect(readme.split('\n').slice(0, 6)).toEqual([
      '# TLS Gate',
      '',
      '```sh',
      'npm install && npm start   # run the product',
      'npm test                   # lint, typecheck and every test',
      '```',
    ]);
  });

  it('links every page in docs/ and the benchmarks', () => {
    const targets = new Set(links(readme).map(({ target }) => target.split('#')[0]));
    const unlinked = [...DOCS_PAGES, 'bench/README.md'].filter((page) => !targets.has(page));
    expect(unlinked).toEqual([]);
  });
});

describe('the documentation pages', () => {
  it.each(PAGES)('%s: every relative link reaches a file, and its #anchor a heading', (page) => {
    const broken: string[] = [];
    for (const { target, number } of links(read(page))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURI(path));
      if (!existsSync(file)) broken.push(`${page}:${number}: ${target} (no such file)`);
      else if (
        anchor !== undefined &&
        file.endsWith('.md') &&
        !anchors(readFileSync(file, 'utf8')).has(anchor)
      )
        broken.push(`${page}:${number}: ${target} (no such heading in ${relative(ROOT, file)})`);
    }
    expect(broken).toEqual([]);
  });

  it.each(PAGES)(
    '%s: reads as plain text, no prose line over 160 characters but for link targets',
    (page) => {
      const long = proseLines(read(page))
        .filter(({ line }) => line.replace(/\]\([^)]*\)/g, ']()').length > 160)
        .map(({ number, line }) => `${page}:${number}: ${line.length} characters`);
      expect(long).toEqual([]);
    },
  );
});

/** Source and config files that may name a document, a script or a package. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!['node_modules', 'fixtures'].includes(entry.name)) out.push(...sourceFiles(path));
    } else if (/\.(ts|tsx|mjs|cjs|js)$/.test(entry.name)) out.push(path);
  }
  return out;
}
const CODE = [
  ...['src', 'addin', 'admin', 'ui', 'scripts', 'bench', 'test'].flatMap(sourceFiles),
  ...readdirSync(ROOT).filter((name) => /\.(ts|mjs|cjs|js)$/.test(name)),
];

describe('references from the code', () => {
  it('cite README sections that exist and documents that exist', () => {
    const headings = new Set(
      proseLines(read('README.md')).flatMap(({ line }) => /^#{2,6}\s+(.+)$/.exec(line)?.[1] ?? []),
    );
    const broken: string[] = [];
    for (const file of [...CODE.filter((path) => path !== 'test/docs.test.ts'), '.ci/run']) {
      const text = read(file);
      for (const match of text.matchAll(/README "([^"]+)"/g))
        if (match[1] !== undefined && !headings.has(match[1])) broken.push(`${file}: README "${match[1]}"`);
      for (const match of text.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.md)\b/g))
        // A bare name is a docs/ page (`join(ROOT, 'docs', 'api.md')`) or a file at the top.
        if (
          match[1] !== undefined &&
          ![ROOT, join(ROOT, 'docs')].some((dir) => existsSync(join(dir, match[1]!)))
        )
          broken.push(`${file}: ${match[1]}`);
    }
    expect([...new Set(broken)]).toEqual([]);
  });

  it('import only packages package.json declares', () => {
    const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.devDependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules);
    const undeclared = new Set<string>();
    for (const file of CODE) {
      const text = read(file);
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s+'([^']+)'/gm),
        ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
        ...text.matchAll(/\b(?:require|import)\(\s*'([^']+)'\s*\)/g),
      ].flatMap((match) => match[1] ?? []);
      for (const specifier of specifiers) {
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/');
        if (!builtins.has(name) && !declared.has(name)) undeclared.add(`${name} (${file})`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });
});

describe('the tlsgate command in package.json "bin"', () => {
  const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin;

  it('names executable files', () => {
    expect(Object.keys(bin)).toContain('tlsgate');
    for (const path of Object.values(bin)) {
      expect(() => {
        accessSync(join(ROOT, path), constants.X_OK);
      }).not.toThrow();
    }
  });

  it('runs src/cli.ts from any folder, through a symlink as npm link makes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-bin-'));
    const link = join(dir, 'tlsgate');
    symlinkSync(join(ROOT, bin.tlsgate ?? 'missing'), link);
    const help = await run(link, ['--help'], { cwd: dir });
    expect(help.stdout).toMatch(/^Usage:\n {2}tlsgate check DOMAIN_OR_ADDRESS/);
    // A usage error: exit status 2 and one line plus the usage on stderr, no stack trace.
    const failure = spawnSync(link, ['check'], { cwd: dir, encoding: 'utf8' });
    expect(failure.status).toBe(2);
    expect(failure.stderr).toMatch(/^tlsgate: Give at least one domain or address to check\.\n/);
    expect(failure.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
