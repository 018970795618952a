import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FleetServerMessage, FleetServerOptions } from './fleet-server-process';

/**
 * A TLS Gate instance in a process of its own (fleet-server-process.ts), so several instances on one
 * database are separate processes with separate connections, as in a deployment, and one can be killed.
 */

export interface FleetServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Whether this instance applied the database's schema migrations at start. */
  migrated: boolean;
  pid: number;
  child: ChildProcess;
  /** Closes the app (its connections too) and waits for the process to end. */
  close(): Promise<void>;
  /** SIGKILL: the process ends without closing anything, as in a crash. */
  kill(): Promise<void>;
}

export function startFleetServer(options: FleetServerOptions): Promise<FleetServer> {
  const child = fork(join(__dirname, 'fleet-server-process.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => {
      resolve();
    });
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the fleet test server exited (${code ?? 'signal'}) before it was ready`));
    });
    child.once('message', (message: FleetServerMessage) => {
      if ('error' in message) {
        reject(new Error(message.error));
        return;
      }
      resolve({
        ...message,
        child,
        async close() {
          if (child.connected) child.send('close');
          await exited;
        },
        async kill() {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
