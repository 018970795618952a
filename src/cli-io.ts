import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The streams and environment a `tlsgate` command writes to: process's in production, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** A mistake in how a command was called: the command says so, shows its usage and exits 2. */
export class UsageError extends Error {}

type CommandOptions = NonNullable<ParseArgsConfig['options']>;
interface CommandConfig<O extends CommandOptions> {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: O;
}

/** A command's words, parsed strictly (an unknown option is an error); positionals are allowed. */
export function parseCommand<const O extends CommandOptions>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<CommandConfig<O>>> {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
