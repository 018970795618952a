/**
 * The secure portal under test: the real app on a real SQLite file in a fresh folder, configured through
 * the environment as in production (relay, CA file, master keys), with the org policy's portal switched on.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { buildApp } from '../../src/server/app';
import { loadConfig, type Config } from '../../src/server/config';
import type { PortalDeps } from '../../src/server/portal';
import type { SmtpInbox } from './smtp-inbox';

export interface Clock {
  now: number;
  advance(ms: number): void;
}

export function clock(): Clock {
  return {
    now: Date.now(),
    advance(ms) {
      this.now += ms;
    },
  };
}

export interface PortalApp {
  app: FastifyInstance;
  config: Config;
  /** The folder holding the data folder (database, WAL, key file). */
  dir: string;
  logs: string[];
}

export interface PortalAppOptions {
  inbox?: SmtpInbox;
  env?: NodeJS.ProcessEnv;
  dir?: string;
  deps?: PortalDeps;
  /** Default true. */
  portalOn?: boolean;
  publicUrl?: string;
  /** Serve HTTPS with this certificate (set TLSGATE_HTTP=0 in env too). */
  https?: { cert: string; key: string };
}

export async function startPortalApp(options: PortalAppOptions = {}): Promise<PortalApp> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tlsgate-portal-'));
  const inbox = options.inbox;
  const config = loadConfig(
    {
      TLSGATE_HTTP: '1',
      TLSGATE_DB: './data/tlsgate.db',
      TLSGATE_PUBLIC_URL: options.publicUrl ?? 'https://tlsgate.example.test',
      LOG_LEVEL: 'info',
      ...(inbox
        ? {
            TLSGATE_SMTP_URL: inbox.url,
            TLSGATE_SMTP_FROM: 'TLS Gate <portal@tlsgate.example.test>',
            TLSGATE_SMTP_CA_FILE: inbox.caFile,
          }
        : {}),
      ...options.env,
    },
    dir,
  );
  const logs: string[] = [];
  const app = await buildApp(config, {
    logStream: { write: (line: string) => logs.push(line) },
    portal: { rateLimits: { pages: 10_000, forms: 10_000 }, ...options.deps },
    ...(options.https ? { fastify: { https: options.https } } : {}),
  });
  await app.ready();
  if (options.portalOn ?? true)
    await app.services.policy.replace({ ...DEFAULT_POLICY, portal: true }, 0, 'test');
  return { app, config, dir, logs };
}

export interface Upload {
  message: unknown;
  files?: Array<{ name: string; type?: string; data: Buffer }>;
  /** Put the files before the message field (which the API refuses). */
  filesFirst?: boolean;
}

/** A multipart/form-data body as a browser's FormData would send it. */
export async function multipart(upload: Upload): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  const files = () => {
    for (const file of upload.files ?? [])
      form.append(
        'attachment',
        new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }),
        file.name,
      );
  };
  if (upload.filesFirst) files();
  form.append('message', JSON.stringify(upload.message));
  if (!upload.filesFirst) files();
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

export interface Created {
  id: string;
  link: string;
  expiresAt: string;
  verification: string;
}

export async function upload(
  app: FastifyInstance,
  body: Upload,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = await multipart(body);
  return app.inject({
    method: 'POST',
    url: '/api/v1/portal/messages',
    payload,
    headers: { 'content-type': contentType, ...headers },
  });
}

export async function createMessage(app: FastifyInstance, body: Upload): Promise<Created> {
  const response = await upload(app, body);
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json<Created>();
}

/** The path part of a portal link. */
export function linkPath(link: string): string {
  return new URL(link).pathname;
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/**
 * A browser for the portal pages over inject: keeps cookies (one client per link, so paths need no
 * matching) and the page it saw last.
 */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  last: LightMyRequestResponse | null = null;

  constructor(
    private readonly app: FastifyInstance,
    readonly path: string,
    private readonly headers: Record<string, string> = {},
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  private keep(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (cookie.value === '' || cookie.maxAge === 0) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    this.last = response;
    return response;
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return {
      cookie: [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; '),
    };
  }

  async get(suffix = ''): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url: `${this.path}${suffix}`,
        headers: { ...this.headers, ...this.cookieHeader() },
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  async post(suffix: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url: `${this.path}${suffix}`,
        payload: new URLSearchParams(fields).toString(),
        headers: {
          ...this.headers,
          ...this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  /**
   * Posts a multipart/form-data form as a browser does: the fields, then the files, all under one name
   * (`files`, as the reply form's file input). An empty `files` list sends what an untouched file input sends.
   */
  async postForm(
    suffix: string,
    fields: Record<string, string>,
    files: Array<{ name: string; type?: string; data: Buffer }>,
  ): Promise<LightMyRequestResponse> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (files.length === 0) form.append('files', new Blob([], { type: 'application/octet-stream' }), '');
    for (const file of files)
      form.append(
        'files',
        new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }),
        file.name,
      );
    const request = new Request('http://localhost/', { method: 'POST', body: form });
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url: `${this.path}${suffix}`,
        payload: Buffer.from(await request.arrayBuffer()),
        headers: {
          ...this.headers,
          ...this.cookieHeader(),
          'content-type': request.headers.get('content-type') ?? '',
        },
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  /** The CSRF token on the last page. */
  csrf(): string {
    if (!this.last) throw new Error('no page yet');
    return csrfOf(this.last.body);
  }

  /** Opens the link and enters the address; returns the code page. */
  async start(email: string): Promise<LightMyRequestResponse> {
    if (!this.last || !this.last.body.includes('/start"')) await this.get();
    return this.post('/start', { email, _csrf: this.csrf() });
  }

  async verify(code: string, email = ''): Promise<LightMyRequestResponse> {
    return this.post('/verify', { code, email, _csrf: this.csrf() });
  }
}

/** Every file under `dir` (the data folder: database, WAL, shared memory, key file). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Which markers appear, as bytes (UTF-8, and UTF-16 as SQLite could store text), in which files. */
export function markersOnDisk(dir: string, markers: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const marker of markers)
      if (bytes.includes(Buffer.from(marker, 'utf8')) || bytes.includes(Buffer.from(marker, 'utf16le')))
        found.push(`${file}: ${marker}`);
  }
  return found;
}
