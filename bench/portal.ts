/**
 * npm run bench:portal — what the secure portal costs, each figure beside a baseline from the same run:
 *
 * - sealing and opening a 25 MiB message with AES-256-GCM, as uploads and downloads do it (1 MiB chunks,
 *   each with its own nonce, tag and additional data), beside SHA-256 and a plain copy of the same bytes.
 *   Target: 200 MB/s or more.
 * - upload to link: a 25 MiB attachment POSTed as multipart until the link comes back, beside a bare
 *   Fastify route that reads the same upload and discards it; and a small message.
 * - the recipient's pages under load (autocannon, 50 connections): the landing page and the message page
 *   (signed in: session lookup, unwrap, decrypt, sanitize, render), beside a bare route sending the same
 *   HTML. Target: p99 under 50 ms.
 *
 * The servers run in a child process (this file, BENCH_PORTAL_ROLE=server), so load generation does not
 * share their CPU. MB is 10^6 bytes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { DEFAULT_POLICY } from '../src/core/policy';
import { buildApp } from '../src/server/app';
import { loadConfig } from '../src/server/config';
import { openPart, sealPart } from '../src/server/portal/crypto';

const MiB = 1024 * 1024;
const SIZE = 25 * MiB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = 50;

type ToParent =
  { type: 'ready'; appPort: number; barePort: number } | { type: 'mail'; to: string; text: string };
type ToChild = { type: 'baseline-html'; html: string };

// ---------------------------------------------------------------- the server process

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-bench-portal-'));
  const config = loadConfig(
    {
      TLSGATE_HTTP: '1',
      TLSGATE_DB: './data/tlsgate.db',
      TLSGATE_MASTER_KEY: randomBytes(32).toString('base64'),
      TLSGATE_PUBLIC_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'info',
    },
    dir,
  );
  const app = await buildApp(
    { ...config, rateLimit: { perMinute: 1_000_000, freshPerMinute: 20 } },
    {
      // Logs go nowhere, as to a shipper that keeps up; formatting them is still paid for.
      logStream: { write: () => true },
      portal: {
        // Codes reach the bench by IPC instead of a relay.
        mailer: {
          send(mail) {
            process.send?.({ type: 'mail', to: mail.to, text: mail.text } satisfies ToParent);
            return Promise.resolve();
          },
          close() {
            // nothing to close
          },
        },
        // One autocannon client stands for many recipients here; the limiter still runs and counts.
        rateLimits: { pages: 10_000_000, forms: 10_000_000 },
      },
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  await app.services.policy.replace({ ...DEFAULT_POLICY, portal: true }, 0, 'bench');

  const bare = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await bare.register(fastifyMultipart, { limits: { fileSize: 30 * MiB } });
  let html = '<!doctype html><p>not set</p>';
  process.on('message', (message: ToChild) => {
    html = message.html;
  });
  bare.get('/page', (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  bare.post('/sink', async (request) => {
    for await (const part of request.parts()) if (part.type === 'file') part.file.resume();
    return { ok: true };
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });

  const port = (server: { server: { address(): unknown } }): number =>
    (server.server.address() as { port: number }).port;
  process.send?.({ type: 'ready', appPort: port(app), barePort: port(bare) } satisfies ToParent);
}

// ---------------------------------------------------------------- measuring

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time(work: () => void, rounds = 7): number {
  work(); // warm up
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    work();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(runs);
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  port: number,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...headers,
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function multipartBody(
  message: unknown,
  file: Buffer | null,
): Promise<{ payload: Buffer; type: string }> {
  const form = new FormData();
  form.append('message', JSON.stringify(message));
  if (file)
    form.append('attachment', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'report.pdf');
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    type: request.headers.get('content-type') ?? '',
  };
}

/** Cookie header value from set-cookie, name=value pairs only. */
function cookiesOf(answer: HttpAnswer): string {
  const set = answer.headers['set-cookie'];
  return (Array.isArray(set) ? set : set ? [set] : []).map((line) => line.split(';')[0]).join('; ');
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: DURATION });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function main(): Promise<void> {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log(`bench:portal — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}\n`);

  // 1. Encryption at rest, in this process (nothing else runs yet).
  const plain = randomBytes(SIZE);
  const key = randomBytes(32);
  const id = randomUUID();
  const copyMs = time(() => {
    Buffer.from(plain);
  });
  const shaMs = time(() => {
    createHash('sha256').update(plain).digest();
  });
  let sealed: Buffer[] = [];
  const sealMs = time(() => {
    sealed = sealPart(key, id, 'att:0', plain);
  });
  const openMs = time(() => {
    openPart(key, id, 'att:0', sealed);
  });
  if (!openPart(key, id, 'att:0', sealed).equals(plain)) throw new Error('round trip failed');
  console.log('25 MiB message, median of 7');
  const line = (label: string, ms: number, note = '') => {
    console.log(
      `  ${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms ${mbps(SIZE, ms).toFixed(0).padStart(6)} MB/s  ${note}`,
    );
  };
  line('copy (Buffer.from), baseline', copyMs);
  line('SHA-256, baseline', shaMs);
  line('AES-256-GCM seal, 1 MiB chunks', sealMs, `target >= 200 MB/s: ${verdict(mbps(SIZE, sealMs) >= 200)}`);
  line('AES-256-GCM open, 1 MiB chunks', openMs, `target >= 200 MB/s: ${verdict(mbps(SIZE, openMs) >= 200)}`);

  // 2. The servers.
  const child: ChildProcess = fork(__filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PORTAL_ROLE: 'server' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const mails: Array<{ to: string; text: string }> = [];
  const ready = new Promise<{ appPort: number; barePort: number }>((resolve, reject) => {
    child.on('message', (message: ToParent) => {
      if (message.type === 'ready') resolve(message);
      else mails.push(message);
    });
    child.once('exit', (code) => {
      reject(new Error(`bench server exited with ${String(code)}`));
    });
  });
  try {
    const { appPort, barePort } = await ready;
    const message = {
      senderEmail: 'alice@contoso.test',
      subject: 'Quarterly figures',
      body: `<h2>Figures</h2>${'<p>Revenue grew in every region; details are in the attached report. <a href="https://example.org">Terms</a></p>'.repeat(30)}`,
      recipients: ['bob@fabrikam.test', 'carol@fabrikam.test'],
    };

    // Upload to link.
    const big = await multipartBody(message, randomBytes(SIZE));
    const small = await multipartBody(message, randomBytes(100 * 1024));
    const post = async (
      port: number,
      path: string,
      body: { payload: Buffer; type: string },
    ): Promise<number> => {
      const start = process.hrtime.bigint();
      const answer = await http(port, 'POST', path, body.payload, { 'content-type': body.type });
      if (answer.status !== 200 && answer.status !== 201)
        throw new Error(`${path}: ${answer.status} ${answer.body}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const uploads = { bare: [] as number[], app: [] as number[], small: [] as number[] };
    await post(appPort, '/api/v1/portal/messages', small);
    for (let i = 0; i < 5; i++) {
      uploads.bare.push(await post(barePort, '/sink', big));
      uploads.app.push(await post(appPort, '/api/v1/portal/messages', big));
      uploads.small.push(await post(appPort, '/api/v1/portal/messages', small));
    }
    console.log('\nupload to link, loopback HTTP, median of 5');
    const up = (label: string, ms: number, note = '') => {
      console.log(`  ${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${note}`);
    };
    up('bare Fastify multipart sink, 25 MiB, baseline', median(uploads.bare));
    up(
      'POST /api/v1/portal/messages, 25 MiB',
      median(uploads.app),
      `${mbps(SIZE, median(uploads.app)).toFixed(0)} MB/s end to end`,
    );
    up('POST /api/v1/portal/messages, 100 KiB', median(uploads.small));

    // A signed-in recipient.
    const created = await http(appPort, 'POST', '/api/v1/portal/messages', small.payload, {
      'content-type': small.type,
    });
    const path = new URL((JSON.parse(created.body) as { link: string }).link).pathname;
    const landing = await http(appPort, 'GET', path);
    const flow = cookiesOf(landing);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(landing.body)?.[1] ?? '';
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: flow };
    const before = mails.length;
    await http(
      appPort,
      'POST',
      `${path}/start`,
      new URLSearchParams({ email: 'bob@fabrikam.test', _csrf: csrf }).toString(),
      form,
    );
    while (mails.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    const code = /\b(\d{6})\b/.exec(mails[before]?.text ?? '')?.[1] ?? '';
    const verified = await http(
      appPort,
      'POST',
      `${path}/verify`,
      new URLSearchParams({ code, _csrf: csrf }).toString(),
      form,
    );
    const session =
      cookiesOf(verified)
        .split('; ')
        .find((pair) => pair.startsWith('tgp_session=')) ?? '';
    const page = await http(appPort, 'GET', path, undefined, { cookie: session });
    if (!page.body.includes('<h1>Quarterly figures</h1>')) throw new Error('could not sign in');
    child.send({ type: 'baseline-html', html: page.body } satisfies ToChild);

    const scenarios: Array<[string, autocannon.Options]> = [
      ['bare route, the same HTML (baseline)', { url: `http://127.0.0.1:${barePort}/page` }],
      ['landing page (link, no session)', { url: `http://127.0.0.1:${appPort}${path}` }],
      [
        'message page (signed in)',
        { url: `http://127.0.0.1:${appPort}${path}`, headers: { cookie: session } },
      ],
    ];
    for (const [, options] of scenarios)
      await autocannon({ ...options, connections: CONNECTIONS, duration: 1 });
    const runs = new Map<string, Load[]>();
    // Interleaved rounds, medians: a passing disturbance does not land on one scenario alone.
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, options] of scenarios)
        runs.set(name, [...(runs.get(name) ?? []), await load(options)]);
    console.log(
      `\npages under load: autocannon, ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${DURATION} s runs (${page.body.length} bytes of HTML)`,
    );
    console.log(`  ${''.padEnd(44)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    for (const [name] of scenarios) {
      const list = runs.get(name) ?? [];
      const r: Load = {
        rps: median(list.map((x) => x.rps)),
        p50: median(list.map((x) => x.p50)),
        p99: median(list.map((x) => x.p99)),
        errors: list.reduce((sum, x) => sum + x.errors, 0),
      };
      const note = name.includes('baseline') ? '' : `p99 < 50 ms: ${verdict(r.p99 < 50)}`;
      console.log(
        `  ${name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}  ${note}${r.errors ? `  (${r.errors} errors)` : ''}`,
      );
    }
  } finally {
    child.kill();
  }
}

if (process.env.BENCH_PORTAL_ROLE === 'server') {
  process.on('disconnect', () => process.exit(0));
  void serve();
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
