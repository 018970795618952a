/**
 * `npm run build`: ADDIN_BASE_URL=https://host/path writes the add-in into dist/ — the bundles, the pages,
 * the icons and both manifests, every URL pointing under that base (default https://localhost:3000).
 * ADDIN_SSO_CLIENT_ID (and optionally ADDIN_SSO_RESOURCE) turn on Office SSO (scripts/manifest.ts).
 * ADDIN_ON_BACKEND_ERROR (`warn` or `block`) is baked into launchevent.js: what the send check does before it
 * has ever seen the org's policy.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import webpack from 'webpack';
import { BUILD_INFO_FILE } from '../src/server/addin-build';
import configs from '../webpack.config';
import {
  parseBaseUrl,
  parseOnBackendError,
  parseSsoSettings,
  writeManifests,
  type BuildOnBackendError,
  type SsoSettings,
} from './manifest';

export const ROOT = resolve(__dirname, '..');
export const DIST = join(ROOT, 'dist');

function run(compiler: webpack.MultiCompiler): Promise<webpack.MultiStats> {
  return new Promise((resolvePromise, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => undefined);
      if (error) reject(error);
      else if (!stats) reject(new Error('webpack returned no result'));
      else if (stats.hasErrors())
        reject(new Error(stats.toString({ all: false, errors: true, colors: false })));
      else resolvePromise(stats);
    });
  });
}

/** `onBackendError` defaults to ADDIN_ON_BACKEND_ERROR, so every caller (package, npm start) honours it. */
export async function build(
  baseUrl: string,
  outDir = DIST,
  sso: SsoSettings | null = null,
  onBackendError: BuildOnBackendError = parseOnBackendError(process.env),
): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await run(webpack(configs({ baseUrl, outDir, mode: 'production', sso: sso !== null, onBackendError })));
  cpSync(join(ROOT, 'addin/launchevent/commands.html'), join(outDir, 'commands.html'));
  // The task pane's page, and /try (a compose window that runs the add-in without Outlook).
  cpSync(join(ROOT, 'addin/taskpane/taskpane.html'), join(outDir, 'taskpane.html'));
  for (const file of ['try.html', 'try.css']) cpSync(join(ROOT, 'addin/try', file), join(outDir, file));
  cpSync(join(ROOT, 'admin/admin.html'), join(outDir, 'admin.html'));
  cpSync(join(ROOT, 'addin/static'), outDir, { recursive: true });
  cpSync(join(ROOT, 'assets'), join(outDir, 'assets'), { recursive: true });
  await writeManifests(baseUrl, outDir, sso);
  const info = {
    baseUrl,
    ssoClientId: sso?.clientId ?? null,
    ssoResource: sso?.resource ?? null,
    onBackendError,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(outDir, BUILD_INFO), `${JSON.stringify(info)}\n`);
}

/** What dist/ was built for (base URL, SSO, onBackendError): the server tells a stale build by it. */
export const BUILD_INFO = BUILD_INFO_FILE;

/** How a build's SSO setting reads in the scripts' output. */
export function describeSso(sso: SsoSettings | null): string {
  return sso ? `Office SSO: client id ${sso.clientId}, resource ${sso.resource}` : 'no Office SSO';
}

/** ADDIN_BASE_URL, SSO and ADDIN_ON_BACKEND_ERROR for a command line; a bad value ends it with one line, exit 2. */
export function buildSettingsOrExit(command: string): {
  baseUrl: string;
  sso: SsoSettings | null;
  onBackendError: BuildOnBackendError;
} {
  try {
    const baseUrl = parseBaseUrl(process.env.ADDIN_BASE_URL);
    return {
      baseUrl,
      sso: parseSsoSettings(process.env, baseUrl),
      onBackendError: parseOnBackendError(process.env),
    };
  } catch (error) {
    process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

if (require.main === module) {
  const { baseUrl, sso, onBackendError } = buildSettingsOrExit('build');
  build(baseUrl, DIST, sso, onBackendError).then(
    () => {
      process.stdout.write(
        `Built the add-in for ${baseUrl} (${describeSso(sso)}; without a policy: ${onBackendError}) into ${DIST}\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
