import webpack from 'webpack';
import { launchEventConfig, type BuildOptions } from '../../webpack.config';
import { cachedFile } from './build-cache';

type BundleOptions = Pick<BuildOptions, 'sso' | 'onBackendError'>;

function buildInto(baseUrl: string, outDir: string, options: BundleOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    webpack(launchEventConfig({ baseUrl, outDir, mode: 'production', ...options })).run((error, stats) => {
      if (error) reject(error);
      else if (stats?.hasErrors()) reject(new Error(stats.toString({ all: false, errors: true })));
      else resolve();
    });
  });
}

/**
 * launchevent.js as the build makes it (production mode) for `baseUrl`, as source text for a vm. Built once
 * per set of options and sources (build-cache.ts).
 */
export function buildLaunchEventBundle(baseUrl: string, options: BundleOptions = {}): Promise<string> {
  const normalised = { sso: options.sso ?? false, onBackendError: options.onBackendError ?? 'warn' };
  return cachedFile(
    'launchevent',
    normalised,
    (base, dir) => buildInto(base, dir, normalised),
    'launchevent.js',
    baseUrl,
  );
}
