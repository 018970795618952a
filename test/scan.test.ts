import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli';
import { MAX_SCAN_BYTES, runScan, type ScanIo } from '../src/scan';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'tlsgate-scan-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

function capture(stdin?: AsyncIterable<Uint8Array | string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: ScanIo = {
    stdout: { write: (text: string) => out.push(text), isTTY: false },
    stderr: { write: (text: string) => err.push(text) },
    env: {},
    ...(stdin ? { stdin } : {}),
  };
  return { out, err, io };
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield Buffer.from(part);
  }
}

interface ScanJson {
  file: string;
  findings: { type: string; confidence: number; start: number; end: number; masked: string }[];
}

describe('tlsgate scan', () => {
  const mail = file('mail.txt', 'Hoi,\nmijn BSN is 111222333 en IBAN NL91 ABNA 0417 1643 00.\n');
  const clean = file('clean.txt', 'Ordernummer 111222333, levering dinsdag.\n');

  it('prints one JSON entry per file with type, confidence, offsets and masked value', async () => {
    const { out, io } = capture();
    expect(await runScan(['--json', mail, clean], io)).toBe(0);
    const results = JSON.parse(out.join('')) as ScanJson[];
    expect(results).toEqual([
      {
        file: mail,
        findings: [
          { type: 'nl-bsn', confidence: 85, start: 17, end: 26, masked: '******333' },
          { type: 'iban', confidence: 85, start: 35, end: 57, masked: 'NL91 **** **** **** 4300' },
        ],
      },
      { file: clean, findings: [] },
    ]);
  });

  it('prints a line per finding, and says when a file has none', async () => {
    const { out, io } = capture();
    expect(await runScan([mail, clean], io)).toBe(0);
    expect(out.join('')).toBe(
      `${mail}:17-26  nl-bsn  85  ******333\n${mail}:35-57  iban  85  NL91 **** **** **** 4300\n${clean}: no findings\n`,
    );
  });

  it('reads standard input for "-"', async () => {
    const { out, io } = capture(chunks('creditcard 4111 1111 ', '1111 1111\n'));
    expect(await runScan(['--json', '-'], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual([
      {
        file: '(stdin)',
        findings: [
          { type: 'payment-card', confidence: 85, start: 11, end: 30, masked: '**** **** **** 1111' },
        ],
      },
    ]);
  });

  it('reads HTML with --html', async () => {
    const html = file('mail.html', '<p>BSN <b>111</b>222<span>333</span></p>');
    const plain = capture();
    await runScan(['--json', html], plain.io);
    expect((JSON.parse(plain.out.join('')) as ScanJson[])[0]?.findings).toEqual([]);
    const asHtml = capture();
    await runScan(['--json', '--html', html], asHtml.io);
    expect((JSON.parse(asHtml.out.join('')) as ScanJson[])[0]?.findings.map((f) => f.type)).toEqual([
      'nl-bsn',
    ]);
  });

  it('reports a missing file, a directory, binary content and invalid UTF-8 clearly, and still scans the rest', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    const binary = file('image.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const latin1 = file('latin1.txt', Buffer.from([0x70, 0x61, 0x74, 0x69, 0xeb, 0x6e, 0x74]));
    const { out, err, io } = capture();
    expect(await runScan(['--json', join(dir, 'missing.txt'), sub, binary, latin1, mail], io)).toBe(2);
    expect(err.join('')).toBe(
      [
        `tlsgate: ${join(dir, 'missing.txt')}: no such file`,
        `tlsgate: ${sub}: is a directory`,
        `tlsgate: ${binary}: binary content (NUL bytes), not text`,
        `tlsgate: ${latin1}: not UTF-8 text`,
        '',
      ].join('\n'),
    );
    expect((JSON.parse(out.join('')) as ScanJson[]).map((r) => r.file)).toEqual([mail]);
  });

  it('refuses a file over the cap before reading it', async () => {
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024); // sparse: 50 MB that cost nothing to make
    const { err, io } = capture();
    expect(await runScan([huge], io)).toBe(2);
    expect(err.join('')).toBe(`tlsgate: ${huge}: 50.0 MB is larger than 10 MB\n`);
  });

  it('stops reading standard input at the cap', async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      const block = Buffer.alloc(1024 * 1024, 'a');
      for (;;) {
        pulled++;
        await Promise.resolve();
        yield block;
      }
    }
    const { err, io } = capture(endless());
    expect(await runScan(['-'], io)).toBe(2);
    expect(err.join('')).toBe('tlsgate: (stdin): larger than 10 MB\n');
    expect(pulled).toBe(MAX_SCAN_BYTES / (1024 * 1024) + 1);
  });

  it('rejects usage errors', async () => {
    for (const args of [[], ['--nope', mail], ['-', '-']]) {
      const { err, io } = capture();
      expect(await runScan(args, io)).toBe(2);
      expect(err.join('')).toMatch(/^tlsgate: .+\n\nUsage:\n {2}tlsgate scan/);
    }
  });

  it('is the scan command of the tlsgate CLI, end to end', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'scan', '--json', '-'],
        { cwd: ROOT },
        (error, stdout) => {
          resolve({ code: error ? Number(error.code) : 0, stdout });
        },
      );
      child.stdin?.end('SSN: 536-22-6789\n');
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        file: '(stdin)',
        findings: [{ type: 'us-ssn', confidence: 85, start: 5, end: 16, masked: '***-**-6789' }],
      },
    ]);
  });

  it('is listed in the CLI help', async () => {
    const { out, io } = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('tlsgate scan [--json] [--html] FILE...');
  });
});
