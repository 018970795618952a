import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { ensureDevCertificate } from '../../src/server/dev-cert';
import { MailInternet } from '../support/mail-internet';

/** A real server on loopback, over HTTPS with the development certificate, probing the test mail internet. */

let net: MailInternet;
let app: FastifyInstance;
let base: string;
let ca: string;

const ENFORCED = 'e2e-enforced.test';
const PLAIN = 'e2e-plain.test';

function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${base}${path}`,
      { method, ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  net = await MailInternet.start();
  const mx = await net.mailHost({ name: `mx.${ENFORCED}` });
  net.mx(ENFORCED, [[10, mx.name]]);
  await net.mtaSts(ENFORCED, { policy: `version: STSv1\nmode: enforce\nmx: ${mx.name}\nmax_age: 3600\n` });
  const plain = await net.mailHost({ name: `mx.${PLAIN}`, mode: 'plain' });
  net.mx(PLAIN, [[10, plain.name]]);

  const dataDir = mkdtempSync(join(tmpdir(), 'tlsgate-e2e-'));
  const dev = await ensureDevCertificate(dataDir, ['localhost']);
  ca = readFileSync(dev.caFile, 'utf8');
  app = await buildApp(
    testConfig({
      http: false,
      dnsServers: [net.dns.address],
      allowPrivateNetworks: true,
      db: join(dataDir, 'db.sqlite'),
    }),
    { fastify: { https: { cert: dev.cert, key: dev.key } }, extraCa: [net.ca.certPem] },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `https://localhost:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  await net.close();
});

describe('end to end', () => {
  it('answers a lookup over HTTPS by probing the mail internet', async () => {
    const response = await request('GET', `/api/v1/domains/${ENFORCED}`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      domain: ENFORCED,
      status: 'enforced',
      enforcement: ['mta-sts'],
      cached: false,
    });
    // max_age 3600 caps the lifetime.
    const report = response.json as { checkedAt: string; expiresAt: string };
    expect(Date.parse(report.expiresAt) - Date.parse(report.checkedAt)).toBe(3600_000);
  });

  it('answers a batch, with the second lookup from the cache', async () => {
    const response = await request('POST', '/api/v1/domains/lookup', { domains: [`x@${PLAIN}`, ENFORCED] });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      reports: [
        { domain: PLAIN, status: 'none', cached: false },
        { domain: ENFORCED, status: 'enforced', cached: true },
      ],
    });
  });

  it('reuses the development certificate across starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tlsgate-cert-'));
    const first = await ensureDevCertificate(dataDir, ['localhost']);
    const second = await ensureDevCertificate(dataDir, ['localhost']);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, cert: first.cert, caFile: first.caFile });
  });
});

describe('npm start', () => {
  it('starts on a fresh data folder, answers health checks and says how to use it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/server/main.ts')], {
      cwd: join(__dirname, '../..'),
      env: {
        ...process.env,
        TLSGATE_HTTP: '1',
        PORT: '0',
        TLSGATE_DB: join(dir, 'db', 'tlsgate.db'),
        LOG_LEVEL: 'warn',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no start banner:\n${output}`));
        }, 15_000);
        child.stdout.on('data', () => {
          if (output.includes('Manifest:')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => {
          reject(new Error(`exited with ${String(code)}`));
        });
      });
      expect(output).toContain('TLS Gate is listening on http://127.0.0.1:');
      expect(output).toContain('Auth:          open (no sign-in; bound to 127.0.0.1 only');
      expect(output).toContain(join(dir, 'db', 'tlsgate.db'));
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      const health = await fetch(`http://127.0.0.1:${port ?? ''}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 20_000);
});
