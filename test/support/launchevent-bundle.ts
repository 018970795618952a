import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpack from 'webpack';
import { launchEventConfig, type BuildOptions } from '../../webpack.config';

/** launchevent.js as the build makes it (production mode) for `baseUrl`, as source text for a vm. */
export function buildLaunchEventBundle(
  baseUrl: string,
  options: Pick<BuildOptions, 'sso' | 'onBackendError'> = {},
): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'tlsgate-launchevent-'));
  return new Promise((resolve, reject) => {
    webpack(launchEventConfig({ baseUrl, outDir, mode: 'production', ...options })).run((error, stats) => {
      if (error) reject(error);
      else if (stats?.hasErrors()) reject(new Error(stats.toString({ all: false, errors: true })));
      else resolve(readFileSync(join(outDir, 'launchevent.js'), 'utf8'));
    });
  });
}
