import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addinBuildProblem, buildCommand } from './addin-build';
import { buildApp } from './app';
import { ConfigError, describeConfig, loadConfig, openAdminExposed, type Config } from './config';
import { ensureDevCertificate } from './dev-cert';
import { describeDatabase, StoreOpenError } from './store/open';

/** `npm start`: check the configuration, build the app, listen, and say how to use it. */

function fail(message: string): never {
  process.stderr.write(`tlsgate: ${message}\n`);
  process.exit(2);
}

async function tlsOptions(
  config: Config,
): Promise<{ https?: { cert: string; key: string }; caFile?: string; created?: boolean }> {
  if (config.http) return {};
  if (config.tlsCertFile && config.tlsKeyFile) {
    try {
      return {
        https: {
          cert: readFileSync(config.tlsCertFile, 'utf8'),
          key: readFileSync(config.tlsKeyFile, 'utf8'),
        },
      };
    } catch (error) {
      fail(
        `cannot read TLSGATE_TLS_CERT/TLSGATE_TLS_KEY: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const host = new URL(config.publicUrl).hostname;
  const dev = await ensureDevCertificate(config.dataDir, [host]);
  return { https: { cert: dev.cert, key: dev.key }, caFile: dev.caFile, created: dev.created };
}

/**
 * The server only serves dist/; it never builds it (build tooling is a development dependency, and a
 * production image ships dist/ prebuilt). `npm start` (scripts/start.ts) builds it first in development.
 */
function checkAddinBuilt(config: Config): void {
  const problem = addinBuildProblem(config);
  if (problem) fail(`${problem}; run ${buildCommand(config)}`);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  // Only reached with TLSGATE_AUTH_OPEN_PUBLIC=1 (loadConfig refuses it otherwise): say so, loudly.
  if (openAdminExposed(config))
    process.stderr.write(
      [
        '',
        '!!! WARNING: TLSGATE_AUTH=open on a public interface, and no TLSGATE_ADMIN_TOKEN.',
        `!!! Everyone who can reach this server (HOST=${config.host}) is an admin and can change the policy.`,
        '!!! Allowed only because TLSGATE_AUTH_OPEN_PUBLIC=1. Use entra auth, or set TLSGATE_ADMIN_TOKEN.',
        '',
        '',
      ].join('\n'),
    );
  checkAddinBuilt(config);
  const tls = await tlsOptions(config);
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config, tls.https ? { fastify: { https: tls.https } } : {});
  } catch (error) {
    // Unreachable, refused sign-in, failed TLS check: one plain line, as for a bad configuration.
    if (error instanceof StoreOpenError) fail(error.message);
    throw error;
  }
  if (openAdminExposed(config))
    app.log.warn({ host: config.host }, 'open auth on a public interface: every caller is an admin');
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      fail(`port ${config.port} on ${config.host} is in use; set PORT to another port.`);
    if (code === 'EACCES')
      fail(`no permission to listen on ${config.host}:${config.port}; set PORT above 1024.`);
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const lines = [
    '',
    `TLS Gate is listening on ${config.http ? 'http' : 'https'}://${config.host}:${port}`,
    `  Public URL:    ${config.publicUrl}`,
    `  Database:      ${describeDatabase(config.db)}`,
    `  API:           ${config.publicUrl}/api/v1/openapi.json`,
    `  Auth:          ${config.auth}${config.auth === 'open' ? ` (no sign-in; bound to ${config.host}${config.host === '127.0.0.1' ? ' only, set HOST to change' : ''})` : ''}`,
  ];
  if (tls.caFile)
    lines.push(
      `  Certificate:   development certificate${tls.created ? ' (new)' : ''}; trust its CA once: ${tls.caFile}`,
    );
  const manifest = join(config.distDir, 'manifest.xml');
  if (existsSync(manifest)) {
    lines.push(
      `  Manifest:      ${config.publicUrl}/manifest.xml  (file: ${manifest})`,
      '  Sideload it:   Outlook > Get Add-ins > My add-ins > Add a custom add-in > Add from file (see aka.ms/olksideload)',
    );
  } else if (!config.publicUrl.startsWith('https://')) {
    lines.push('  Manifest:      not built: Outlook needs an https TLSGATE_PUBLIC_URL (e.g. your TLS proxy)');
  } else {
    lines.push('  Manifest:      not built yet (npm run build creates dist/manifest.xml)');
  }
  if (existsSync(join(config.distDir, 'try.html')))
    lines.push(
      `  Try it:        ${config.publicUrl}/try  (the add-in in a compose window; no Outlook needed)`,
    );
  if (existsSync(join(config.distDir, 'admin.html')))
    lines.push(`  Admin console: ${config.publicUrl}/admin`);
  if (config.production) lines.push('', 'Effective configuration:', ...describeConfig(config));
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = (signal: string): void => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `tlsgate: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
