import { buildCoreBundle } from '../../scripts/core-bundle';
import { gzipSync } from 'node:zlib';

/**
 * The detection and decision code ships in the on-send bundle of Outlook's JavaScript-only runtime. 41 KB
 * since the decision warns about forced-TLS domains whose connector would refuse every server (issue 16);
 * the whole on-send bundle keeps its 60 KB (bundle-size.test.ts).
 */
const BUDGET_BYTES = 41 * 1024;

const bundle = buildCoreBundle;

describe('the core bundle', () => {
  it('builds for the browser without Node modules, and down to ES2016 without warnings', async () => {
    const result = await bundle('es2016');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/\(\?<[=!]/); // lookbehind cannot be transpiled for old runtimes
    // esbuild lowers syntax, not library calls: these do not exist in an ES2016 engine.
    expect(code).not.toMatch(
      /\.(padStart|padEnd|flatMap|flat|trimStart|trimEnd|matchAll|replaceAll|at|fromEntries)\(|Object\.(values|entries)\(/,
    );
  });

  it(`stays under ${BUDGET_BYTES / 1024} KB minified`, async () => {
    for (const target of [undefined, 'es2016']) {
      const code = (await bundle(target)).outputFiles[0]!.contents;
      expect(code.length).toBeLessThan(BUDGET_BYTES);
      expect(gzipSync(code).length).toBeLessThan(BUDGET_BYTES / 2);
    }
  });
});
