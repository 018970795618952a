import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runtime code never loads build tooling: `NODE_ENV=production npm start` with a prebuilt dist/ starts the
 * server without webpack, the bundlers or any build script. scripts/start.ts is `npm start`; it is the
 * only file of scripts/ allowed in.
 */

const ROOT = join(__dirname, '..', '..');
const RECORDER = join(ROOT, 'test', 'support', 'record-loads.cjs');
/** The processes run in a temporary folder, where `--import tsx` would not find the package. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const PUBLIC_URL = 'https://tlsgate.example.test';
const BUILD_CODE =
  /\/node_modules\/(webpack|webpack-sources|swc-loader|@swc\/core|terser-webpack-plugin)\/|\/scripts\/(?!start\.ts$)/;

interface Started {
  output: string;
  loaded: string[];
}

/** Runs `script` with the recorder until `ready` shows in its output (or it exits), then stops it. */
function run(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, ready: RegExp): Promise<Started> {
  const record = join(cwd, 'loaded.txt');
  writeFileSync(record, '');
  const child = spawn(process.execPath, ['--require', RECORDER, '--import', TSX, ...args], {
    cwd,
    env: { ...process.env, ...env, RECORD_LOADS_FILE: record },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out:\n${output}`));
    }, 30_000);
    const check = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ output, loaded: readFileSync(record, 'utf8').split('\n').filter(Boolean) });
    });
  });
}

function prebuiltDist(dir: string, baseUrl: string): void {
  const dist = join(dir, 'dist');
  mkdirSync(dist, { recursive: true });
  for (const page of ['taskpane.html', 'commands.html', 'try.html', 'admin.html'])
    writeFileSync(join(dist, page), '<!doctype html>');
  writeFileSync(
    join(dist, 'build-info.json'),
    JSON.stringify({ baseUrl, ssoClientId: null, ssoResource: null, onBackendError: 'warn' }),
  );
}

const PRODUCTION: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  TLSGATE_PUBLIC_URL: PUBLIC_URL,
  TLSGATE_HTTP: '1',
  HOST: '127.0.0.1',
  PORT: '0',
  TLSGATE_AUTH_OPEN_IN_PRODUCTION: '1',
  TLSGATE_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
  LOG_LEVEL: 'warn',
};

describe('production start', () => {
  it('serves a prebuilt dist/ and loads no build code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-prod-'));
    prebuiltDist(dir, PUBLIC_URL);
    const started = await run(
      [join(ROOT, 'scripts', 'start.ts')],
      { ...PRODUCTION, TLSGATE_DB: join(dir, 'tlsgate.db') },
      dir,
      /TLS Gate is listening/,
    );
    expect(started.output).toContain('TLS Gate is listening');
    // The recorder saw the server being loaded, so an empty list below means something.
    expect(started.loaded.some((file) => file.endsWith('/src/server/app.ts'))).toBe(true);
    expect(started.loaded.filter((file) => BUILD_CODE.test(file))).toEqual([]);
  });

  it('refuses a dist/ built for another URL instead of building it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-prod-'));
    prebuiltDist(dir, 'https://elsewhere.example.test');
    const started = await run(
      [join(ROOT, 'scripts', 'start.ts')],
      { ...PRODUCTION, TLSGATE_DB: join(dir, 'tlsgate.db') },
      dir,
      /tlsgate:/,
    );
    expect(started.output).toContain(
      `tlsgate: dist/ is built for https://elsewhere.example.test; run ADDIN_BASE_URL=${PUBLIC_URL} npm run build`,
    );
    expect(started.loaded.filter((file) => BUILD_CODE.test(file))).toEqual([]);
  });

  it('the recorder does see build code when it is loaded (control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-prod-'));
    const started = await run(
      [
        '-e',
        `import(${JSON.stringify(join(ROOT, 'scripts', 'build.ts'))}).then(() => console.log('loaded'))`,
      ],
      {},
      dir,
      /loaded/,
    );
    expect(started.loaded.filter((file) => BUILD_CODE.test(file)).length).toBeGreaterThan(0);
  });
});
