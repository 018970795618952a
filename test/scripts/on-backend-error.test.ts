import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseOnBackendError } from '../../scripts/manifest';

/** ADDIN_ON_BACKEND_ERROR: the send check's choice before it has seen any policy, baked in by the build. */

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

describe('ADDIN_ON_BACKEND_ERROR', () => {
  it.each([
    [undefined, 'warn'],
    ['', 'warn'],
    ['warn', 'warn'],
    ['block', 'block'],
    [' Block ', 'block'],
  ])('reads %j as %s', (value, expected) => {
    expect(parseOnBackendError({ ADDIN_ON_BACKEND_ERROR: value })).toBe(expected);
  });

  it.each(['allow', 'blok', 'true', 'block,warn'])('refuses %j with a clear message', (value) => {
    expect(() => parseOnBackendError({ ADDIN_ON_BACKEND_ERROR: value })).toThrow(
      `ADDIN_ON_BACKEND_ERROR must be "warn" or "block" (the default is "warn"): ${JSON.stringify(value)}`,
    );
  });

  it.each(['build', 'package'])(
    'npm run %s fails on a bad value in one line, before building',
    async (name) => {
      const failure = (await run(process.execPath, [TSX, join(ROOT, 'scripts', `${name}.ts`)], {
        env: { ...process.env, ADDIN_ON_BACKEND_ERROR: 'allow' },
      }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
      expect(failure.code).toBe(2);
      expect(failure.stderr).toMatch(
        new RegExp(`^${name}: ADDIN_ON_BACKEND_ERROR must be "warn" or "block"[^\\n]*\\n$`),
      );
    },
    20_000,
  );
});
