import { resolve } from 'node:path';
import { minify } from '@swc/core';
import webpack from 'webpack';

/**
 * Builds addin/ into dist/. `launchevent.js` must be one classic script that classic Outlook's
 * JavaScript-only runtime can parse: ES2016 syntax, no module loader, no DOM, builtins polyfilled.
 */

export interface BuildOptions {
  baseUrl: string;
  outDir: string;
  mode: 'production' | 'development';
  /** Office SSO is declared in the manifests (ADDIN_SSO_CLIENT_ID); the add-in then asks Office for a token. */
  sso?: boolean;
  /** ADDIN_ON_BACKEND_ERROR: the send check's action before it has seen any org policy (default warn). */
  onBackendError?: 'warn' | 'block';
}

/** Build-time constants read by addin/shared/build-info.ts. */
function defines(options: BuildOptions): webpack.DefinePlugin {
  return new webpack.DefinePlugin({
    __ADDIN_BASE_URL__: JSON.stringify(options.baseUrl),
    __ADDIN_SSO__: JSON.stringify(options.sso === true),
    __ADDIN_ON_BACKEND_ERROR__: JSON.stringify(options.onBackendError ?? 'warn'),
  });
}

const ROOT = __dirname;

/**
 * swc settings for code that must parse on ES2016-era engines: async/await, object spread, optional
 * chaining and the like are lowered. Builtins newer than ES2016 are polyfilled in addin/shared/polyfills.ts
 * (usage-based core-js injection pulled in 70 KB of fixes for old Chrome).
 * Our own TypeScript takes swc's helpers from @swc/helpers, one copy each instead of one per module, and
 * lowers under two assumptions that hold for it: no `document.all` (so `a ?? b` tests `a != null`, not null
 * and undefined apart), and class fields set by assignment (none of its classes has an accessor a field
 * could shadow). Together 7 KB of launchevent.js.
 */
function swcLegacy(syntax: 'typescript' | 'ecmascript') {
  const ours = syntax === 'typescript';
  return {
    loader: 'swc-loader',
    options: {
      jsc: {
        parser: { syntax },
        target: 'es2016',
        externalHelpers: ours,
        assumptions: ours ? { noDocumentAll: true, setPublicClassFields: true } : {},
      },
      module: { type: 'es6' },
    },
  };
}

/**
 * launchevent.js is minified by swc rather than webpack's terser: 2 KB smaller (it writes `let` for `const`
 * and packs expressions tighter), bytes the Smart Alert downloads on a cold start. Output stays ES2016; a
 * function expression that uses no `this` becomes an arrow (ES2015), as none of ours is called with `new`.
 */
class SwcMinifier {
  apply(compiler: webpack.Compiler): void {
    compiler.hooks.compilation.tap('SwcMinifier', (compilation) => {
      compilation.hooks.processAssets.tapPromise(
        { name: 'SwcMinifier', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE },
        async () => {
          const withMap = Boolean(compilation.options.devtool);
          for (const asset of compilation.getAssets()) {
            if (!asset.name.endsWith('.js') || asset.info.minimized) continue;
            const { source, map } = withMap
              ? asset.source.sourceAndMap()
              : { source: asset.source.source(), map: null };
            const code = source.toString();
            const result = await minify(code, {
              ecma: 2016,
              compress: { ecma: 2016, passes: 2, unsafe_arrows: true },
              mangle: true,
              sourceMap: withMap,
            });
            // The minifier's map leads to webpack's output (named as the asset), whose map leads on to the sources.
            const minified =
              result.map && map
                ? new webpack.sources.SourceMapSource(
                    result.code,
                    asset.name,
                    JSON.stringify({ ...(JSON.parse(result.map) as object), sources: [asset.name] }),
                    code,
                    map,
                    true,
                  )
                : new webpack.sources.RawSource(result.code);
            compilation.updateAsset(asset.name, minified, { minimized: true });
          }
        },
      );
    });
  }
}

export function launchEventConfig(options: BuildOptions): webpack.Configuration {
  return {
    name: 'launchevent',
    mode: options.mode,
    target: ['web', 'es2016'],
    devtool: false,
    context: ROOT,
    entry: { launchevent: ['./addin/shared/polyfills.ts', './addin/launchevent/index.ts'] },
    output: {
      path: options.outDir,
      filename: '[name].js',
      iife: true,
      // No chunk loading or public path logic: the runtime has neither a DOM nor a module loader.
      chunkLoading: false,
      wasmLoading: false,
      publicPath: '',
      environment: {
        arrowFunction: true,
        const: true,
        destructuring: true,
        forOf: true,
        module: false,
        dynamicImport: false,
        optionalChaining: false,
        templateLiteral: true,
        asyncFunction: false,
        bigIntLiteral: false,
      },
    },
    resolve: {
      extensions: ['.ts', '.js'],
      // The add-in reads domains the backend already put in A-label form (src/core/decide.ts), so the
      // 250 KB UTS-46 table is never needed in the bundle.
      alias: { tr46: resolve(ROOT, 'addin/shared/no-tr46.ts') },
    },
    module: {
      rules: [
        { test: /\.ts$/, exclude: /node_modules/, use: swcLegacy('typescript') },
        // Dependencies may ship newer syntax: lower it too.
        {
          test: /\.js$/,
          include: /node_modules/,
          exclude: /node_modules[\\/]core-js/,
          use: swcLegacy('ecmascript'),
        },
      ],
    },
    optimization: {
      splitChunks: false,
      runtimeChunk: false,
      minimize: options.mode === 'production',
      minimizer: [new SwcMinifier()],
    },
    performance: { hints: false },
    plugins: [defines(options)],
  };
}

/**
 * The task pane and the /try page run in browsers (Outlook's WebView2/WebKit task panes, or a desktop
 * browser), so they get modern syntax, not the ES2016 treatment of the event runtime.
 */
function swcModern() {
  return {
    loader: 'swc-loader',
    options: {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        target: 'es2020',
        // One copy of each helper (class fields, for one) from @swc/helpers, which Fluent UI uses too.
        externalHelpers: true,
        transform: { react: { runtime: 'automatic' } },
      },
      module: { type: 'es6' },
    },
  };
}

function browserConfig(
  name: string,
  entry: webpack.EntryObject,
  options: BuildOptions,
): webpack.Configuration {
  return {
    name,
    mode: options.mode,
    target: ['web', 'es2020'],
    devtool: false,
    context: ROOT,
    entry,
    output: {
      path: options.outDir,
      filename: '[name].js',
      chunkFilename: `${name}.[name].[contenthash:8].js`,
      // Chunks load from beside the page's script, wherever ADDIN_BASE_URL puts it.
      publicPath: 'auto',
    },
    resolve: {
      extensions: ['.tsx', '.ts', '.js'],
      alias: { tr46: resolve(ROOT, 'addin/shared/no-tr46.ts') },
    },
    module: {
      rules: [
        { test: /\.tsx?$/, exclude: /node_modules/, use: swcModern() },
        // Some ES-module packages import without file extensions.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
      ],
    },
    optimization: { minimize: options.mode === 'production' },
    performance: { hints: false },
    plugins: [defines(options)],
  };
}

/** dist/taskpane.js: the task pane (React, Fluent UI v9), loaded by taskpane.html. */
export function taskpaneConfig(options: BuildOptions): webpack.Configuration {
  return browserConfig('taskpane', { taskpane: './addin/taskpane/index.tsx' }, options);
}

/**
 * dist/try.js (the /try page: a compose window that runs launchevent.js and hosts the task pane) and
 * dist/office-shim.js (the same in-page Office implementation as a plain script, for tests and demos).
 */
export function tryConfig(options: BuildOptions): webpack.Configuration {
  return browserConfig(
    'try',
    { try: './addin/try/index.ts', 'office-shim': './addin/try/standalone.ts' },
    options,
  );
}

/** dist/admin.js: the admin console (React, Fluent UI v9), loaded by admin.html at /admin. */
export function adminConfig(options: BuildOptions): webpack.Configuration {
  return browserConfig('admin', { admin: './admin/index.tsx' }, options);
}

export default function configs(options: BuildOptions): webpack.Configuration[] {
  return [launchEventConfig(options), taskpaneConfig(options), tryConfig(options), adminConfig(options)];
}
