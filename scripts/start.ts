/**
 * `npm start`: in development, build dist/ first when it is missing or was built for another URL or other
 * settings; then run the server (src/server/main.ts). With NODE_ENV=production nothing is built and no build
 * code is loaded: a production image ships dist/ prebuilt, and the server refuses a stale one.
 */
import { addinBuildProblem, buildCommand } from '../src/server/addin-build';
import { loadConfig, type Config } from '../src/server/config';

async function buildIfStale(config: Config): Promise<void> {
  const problem = addinBuildProblem(config);
  if (problem === null) return;
  let build: typeof import('./build.js').build;
  try {
    // Build tooling is a development dependency: loaded only when there is something to build.
    ({ build } = await import('./build.js'));
  } catch {
    process.stderr.write(`tlsgate: ${problem}; run ${buildCommand(config)}\n`);
    process.exit(2);
  }
  const { sso, onBackendError } = config.addin;
  const withSso = sso ? ` with Office SSO (${sso.clientId})` : '';
  process.stdout.write(`Building the add-in for ${config.publicUrl}${withSso} ...\n`);
  await build(config.publicUrl, config.distDir, sso, onBackendError);
}

async function start(): Promise<void> {
  let config: Config | null = null;
  try {
    config = loadConfig(process.env);
  } catch {
    // The server reports configuration problems itself, in its own words.
  }
  if (config && !config.production) await buildIfStale(config);
  await import('../src/server/main.js');
}

start().catch((error: unknown) => {
  process.stderr.write(
    `tlsgate: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
