import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import webpack from 'webpack';
import { taskpaneConfig } from '../../webpack.config';
import { buildLaunchEventBundle } from '../support/launchevent-bundle';

/**
 * Size budgets of what Outlook downloads before the add-in can act, built as `npm run build` builds them
 * (production). Sizes are deterministic, so these are exact. Where the bytes come from: `npm run
 * bench:onsend` and `npm run bench:taskpane` print the analysis (bench/bundle-analysis.ts).
 */

/**
 * launchevent.js, minified: it downloads inside the Smart Alert's 5 s on a cold start (office-js #6696).
 * Lower it, never raise it.
 */
const LAUNCHEVENT_BUDGET = 60 * 1024;
/** The task pane's entry chunk(s), gzipped: what taskpane.html loads before it can paint. */
const TASKPANE_INITIAL_BUDGET = 150 * 1024;

const gzip = (bytes: Buffer): number => gzipSync(bytes, { level: 9 }).length;

describe('bundle budgets', () => {
  it(`launchevent.js is at most ${LAUNCHEVENT_BUDGET} bytes minified`, async () => {
    const bundle = await buildLaunchEventBundle('https://tlsgate.example.test');
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(LAUNCHEVENT_BUDGET);
  }, 120_000);

  describe('the task pane', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'tlsgate-taskpane-'));
    let entry: string[] = [];
    let lazy: string[] = [];

    beforeAll(async () => {
      const stats = await new Promise<webpack.StatsCompilation>((resolve, reject) => {
        const compiler = webpack(
          taskpaneConfig({ baseUrl: 'https://tlsgate.example.test', outDir, mode: 'production' }),
        );
        compiler.run((error, result) => {
          compiler.close(() => undefined);
          if (error) reject(error);
          else if (!result || result.hasErrors())
            reject(new Error(result?.toString({ all: false, errors: true }) ?? 'no result'));
          else resolve(result.toJson({ all: false, assets: true, entrypoints: true }));
        });
      });
      entry = (stats.entrypoints?.taskpane?.assets ?? []).map((asset) => asset.name);
      lazy = (stats.assets ?? [])
        .map((asset) => asset.name)
        .filter((name) => name.endsWith('.js') && !entry.includes(name));
    }, 240_000);

    afterAll(() => {
      rmSync(outDir, { recursive: true, force: true });
    });

    it('taskpane.html loads exactly the entry chunk(s); the rest comes later, on demand', () => {
      const html = readFileSync(join(__dirname, '../../addin/taskpane/taskpane.html'), 'utf8');
      const ours = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)]
        .map((match) => match[1] ?? '')
        .filter((src) => !/^https?:/.test(src));
      expect(ours).toEqual(entry);
      // The confirmation dialogs and the portal's actions are not needed for the first paint.
      expect(lazy.length).toBeGreaterThan(0);
    });

    it(`loads at most ${TASKPANE_INITIAL_BUDGET} bytes of JavaScript, gzipped, before its first paint`, () => {
      const sizes = entry.map((file) => gzip(readFileSync(join(outDir, file))));
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(TASKPANE_INITIAL_BUDGET);
    });
  });
});
