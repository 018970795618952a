import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder fences and the no-circles rule are ESLint rules (eslint.fences.mjs), so `npm test` fails on a
 * violation. These tests lint deliberately bad imports with exactly those rules, and good ones beside them,
 * so a fence that silently stopped matching would be noticed.
 */

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(__dirname, 'fences.eslint.config.mjs');

interface LintCase {
  /** Where the source pretends to live, relative to the repository (the fences match on paths). */
  path: string;
  /** Inline source; without it the file at `path` is linted as it is on disk. */
  source?: string;
}

/**
 * Lints every case in one ESLint process (ESLint's API is ES-module only, and a process per case would
 * cost seconds each), returning the rule ids that fired per case.
 */
function lintAll(cases: readonly LintCase[]): Promise<string[][]> {
  const script = `
    import { ESLint } from 'eslint';
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: ${JSON.stringify(ROOT)}, overrideConfigFile: ${JSON.stringify(CONFIG)} });
    const out = [];
    for (const c of cases) {
      const [result] = c.source === undefined
        ? await eslint.lintFiles([c.path])
        : await eslint.lintText(c.source, { filePath: c.path });
      out.push(result.messages.map((m) => m.ruleId ?? m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(cases)],
      { cwd: ROOT, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as string[][]);
      },
    );
  });
}

const FORBIDDEN: readonly [string, string][] = [
  ['src/core/decide.ts', "import { readFileSync } from 'node:fs';"],
  ['src/core/decide.ts', "import { lookup } from 'dns';"],
  ['src/core/decide.ts', "import Database from 'better-sqlite3';"],
  ['src/core/classifier/index.ts', "import { checkDomain } from '../../probe/check';"],
  ['src/core/policy.ts', "import { buildApp } from '../server/app';"],
  ['src/core/policy.ts', "import { StatusBadge } from '../../ui/StatusBadge';"],
  ['src/contract/errors.ts', "import { buildApp } from '../server/app';"],
  ['src/contract/errors.ts', "import Fastify from 'fastify';"],
  ['ui/StatusBadge.tsx', "import { lookup } from '../src/server/lookup';"],
  ['src/server/main.ts', "import { build } from '../../scripts/build';"],
  ['src/server/app.ts', "import { startMailInternet } from '../../test/support/mail-internet';"],
  ['src/probe/check.ts', "import { server } from '../../test/support/dns-server';"],
  ['addin/taskpane/TaskPane.tsx', "import { buildApp } from '../../src/server/app';"],
  ['addin/launchevent/send-check.ts', "import { checkDomain } from '../../src/probe/check';"],
  ['admin/App.tsx', "import { PolicyService } from '../src/server/policy-service';"],
  ['admin/App.tsx', "import { person } from '../test/support/outlook-draft';"],
  ['bench/api.ts', "import { something } from '../test/server/api.test';"],
];

const ALLOWED: readonly [string, string][] = [
  ['src/core/domain.ts', "import tr46 from 'tr46';"],
  ['src/core/decide.ts', "import { classifyMessage } from './classifier/index';"],
  ['src/server/app.ts', "import { decide } from '../core/decide';"],
  ['src/contract/errors.ts', "import { z } from 'zod';"],
  ['src/contract/errors.ts', "import type { DomainStatus } from '../core/status';"],
  ['addin/taskpane/TaskPane.tsx', "import { decide } from '../../src/core/decide';"],
  ['admin/App.tsx', "import { DEFAULT_POLICY } from '../src/core/policy';"],
  ['bench/api.ts', "import { startMailInternet } from '../test/support/mail-internet';"],
];

describe('folder fences (no-restricted-imports) and no circles (import-x/no-cycle)', () => {
  const dir = join('test-output', 'lint-cycle');
  let fired: string[][] = [];

  beforeAll(async () => {
    mkdirSync(join(ROOT, dir), { recursive: true });
    writeFileSync(
      join(ROOT, dir, 'a.ts'),
      "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
    );
    writeFileSync(
      join(ROOT, dir, 'b.ts'),
      "import { a } from './a';\nexport const b = (): number => a() - 1;\n",
    );
    writeFileSync(join(ROOT, dir, 'c.ts'), "import { a } from './a';\nexport const c = (): number => a();\n");
    fired = await lintAll([
      ...[...FORBIDDEN, ...ALLOWED].map(([path, source]) => ({ path, source: `${source}\nexport {};\n` })),
      ...['a.ts', 'b.ts', 'c.ts'].map((file) => ({ path: join(dir, file) })),
    ]);
  }, 120_000);
  afterAll(() => {
    rmSync(join(ROOT, dir), { recursive: true, force: true });
  });

  test.each(FORBIDDEN.map((entry, index) => [...entry, index] as const))(
    '%s may not: %s',
    (_path, _source, index) => {
      expect(fired[index]).toContain('no-restricted-imports');
    },
  );

  test.each(ALLOWED.map((entry, index) => [...entry, FORBIDDEN.length + index] as const))(
    '%s may: %s',
    (_path, _source, index) => {
      expect(fired[index]).toBeDefined();
      expect(fired[index]).not.toContain('no-restricted-imports');
    },
  );

  test('a circle of two files is an error in both; a file that only leans on it is not', () => {
    const [a, b, c] = fired.slice(FORBIDDEN.length + ALLOWED.length);
    expect(a).toContain('import-x/no-cycle');
    expect(b).toContain('import-x/no-cycle');
    expect(c).toEqual([]);
  });
});
