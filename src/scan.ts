import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseCommand, type CliIo } from './cli-io';
import { classifyText, type ContentFinding } from './core/classifier/index';

/** `tlsgate scan`: classify text files with the default detectors. Exit 0: all scanned; 2: usage or input error. */

/** Larger inputs are refused before they are read into memory. */
export const MAX_SCAN_BYTES = 10 * 1024 * 1024;

export const SCAN_USAGE = `  tlsgate scan [--json] [--html] FILE...

Finds sensitive content (BSN, IBAN, payment card, US SSN, ICD-10 diagnosis, Dutch passport number) in text
files with the default detectors. "-" reads standard input. Offsets are in the normalised text.

Options:
  --json                     print one JSON array, one entry per file
  --html                     the files are HTML (converted to text first)
`;

export interface ScanIo extends CliIo {
  /** Standard input, for "-"; process.stdin when absent. */
  stdin?: AsyncIterable<Uint8Array | string>;
}

class InputError extends Error {}

async function readCapped(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.length;
    // Leaving the loop early closes the stream; nothing past the cap is buffered.
    if (size > MAX_SCAN_BYTES) throw new InputError(`larger than ${MAX_SCAN_BYTES / 1024 / 1024} MB`);
    chunks.push(bytes);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function readInput(file: string, io: ScanIo): Promise<Uint8Array> {
  if (file === '-') return readCapped(io.stdin ?? process.stdin);
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot read (${code ?? 'error'})`,
    );
  }
  if (info.isDirectory()) throw new InputError('is a directory');
  if (info.isFile() && info.size > MAX_SCAN_BYTES)
    throw new InputError(
      `${(info.size / 1024 / 1024).toFixed(1)} MB is larger than ${MAX_SCAN_BYTES / 1024 / 1024} MB`,
    );
  // Regular files were checked above; pipes and devices are read up to the same cap.
  try {
    return await readCapped(createReadStream(file));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function decode(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new InputError('binary content (NUL bytes), not text');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('not UTF-8 text');
  }
}

interface ScanResult {
  file: string;
  findings: Pick<ContentFinding, 'type' | 'confidence' | 'start' | 'end' | 'masked'>[];
}

export async function runScan(args: string[], io: ScanIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCommand(args, {
      json: { type: 'boolean', default: false },
      html: { type: 'boolean', default: false },
    });
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  const files = parsed.positionals;
  if (files.length === 0) return usage(io, 'Give at least one file to scan ("-" for standard input).');
  if (files.filter((file) => file === '-').length > 1)
    return usage(io, 'Standard input ("-") can be read only once.');

  const results: ScanResult[] = [];
  let failed = false;
  for (const file of files) {
    const name = file === '-' ? '(stdin)' : file;
    try {
      const text = decode(await readInput(file, io));
      const findings = classifyText(text, { html: parsed.values.html }).map(
        ({ type, confidence, start, end, masked }) => ({ type, confidence, start, end, masked }),
      );
      results.push({ file: name, findings });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      failed = true;
      io.stderr.write(`tlsgate: ${name}: ${error.message}\n`);
    }
  }

  if (parsed.values.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    const lines: string[] = [];
    for (const result of results) {
      if (result.findings.length === 0) lines.push(`${result.file}: no findings`);
      for (const f of result.findings)
        lines.push(`${result.file}:${f.start}-${f.end}  ${f.type}  ${f.confidence}  ${f.masked}`);
    }
    if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
  }
  return failed ? 2 : 0;
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`tlsgate: ${message}\n\nUsage:\n${SCAN_USAGE}`);
  return 2;
}
