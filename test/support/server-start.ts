import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface ServerRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ServerStartOptions {
  /** How long it may take to start or exit before it is killed and the run fails; default 30 s. */
  timeoutMs?: number;
  /** Once it has printed its banner: told its port; the server is stopped when this settles. */
  whenUp?: (port: number) => Promise<unknown>;
}

/**
 * `npm start` as deployed (src/server/main.ts through tsx) over HTTP on a free port, with a new master key, a
 * new SQLite file and `env` over those. Stopped once it has printed its banner (and `whenUp` settled), unless
 * it exits by itself first; resolves with what it printed and its exit code.
 */
export function startServer(env: NodeJS.ProcessEnv, options: ServerStartOptions = {}): Promise<ServerRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'server', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TLSGATE_HTTP: '1',
      PORT: '0',
      TLSGATE_DB: join(mkdtempSync(join(tmpdir(), 'tlsgate-start-')), 'tlsgate.db'),
      TLSGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  const run: ServerRun = { code: null, stdout: '', stderr: '' };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`neither started nor exited:\n${run.stdout}\n${run.stderr}`));
    }, options.timeoutMs ?? 30_000);
    let up = false;
    child.stdout.on('data', (chunk: Buffer) => {
      run.stdout += chunk.toString();
      if (up || !run.stdout.includes('Manifest:')) return;
      up = true;
      const port = Number(/listening on http:\/\/\S+?:(\d+)/.exec(run.stdout)?.[1]);
      const stop = (): void => {
        child.kill('SIGTERM');
      };
      if (!options.whenUp || !(port > 0)) stop();
      else
        options.whenUp(port).then(stop, (error: unknown) => {
          stop();
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      run.code = code;
      resolve(run);
    });
  });
}
