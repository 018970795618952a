import { join } from 'node:path';
import { build, type BuildOptions, type BuildResult } from 'esbuild';

/**
 * The detection and decision core as it ships in the on-send bundle, minified for the browser: measured by
 * bench:classifier and held to its budget by test/core/core-bundle.test.ts.
 */
export function buildCoreBundle(
  target?: string,
  /** For bench:classifier, which runs the bundle: a globalName to reach its exports, names kept for profiles. */
  extra: Pick<BuildOptions, 'globalName' | 'minify' | 'minifySyntax' | 'minifyWhitespace'> = {},
): Promise<BuildResult<{ write: false }>> {
  return build({
    stdin: {
      contents: "export * from './src/core/classifier/index'; export * from './src/core/decide';",
      resolveDir: join(__dirname, '..'),
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
    ...(target ? { target } : {}),
    ...extra,
  });
}
