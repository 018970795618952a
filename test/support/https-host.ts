/**
 * HTTPS host for MTA-STS policy fetches, with routes that can be slow, hang, or stream oversized bodies.
 */
import * as https from 'node:https';
import type * as net from 'node:net';

export interface HttpsRoute {
  /** Default 200. */
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Wait this long before responding. */
  delayMs?: number;
  /** Never respond. */
  hang?: boolean;
  /** Stream this many 'a' bytes instead of body: chunked, no content-length. */
  bodyBytes?: number;
}

export interface TestHttpsHost {
  host: string;
  port: number;
  setRoute(path: string, route: HttpsRoute): void;
  /** Request paths (with query string) in arrival order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface HttpsHostOptions {
  host: string;
  /** Default 443. */
  port?: number;
  /** Full chain PEM. */
  certPem: string;
  keyPem: string;
  routes?: Record<string, HttpsRoute>;
}

const CHUNK = Buffer.alloc(16 * 1024, 'a');

class HttpsHost implements TestHttpsHost {
  readonly requests: string[] = [];
  port = 0;
  private readonly routes = new Map<string, HttpsRoute>();
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly host: string,
    private readonly server: https.Server,
    routes: Record<string, HttpsRoute>,
  ) {
    for (const [path, route] of Object.entries(routes)) this.routes.set(path, route);
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('tlsClientError', (_err, socket) => {
      socket.destroy();
    });
    server.on('request', (req, res) => {
      this.handle(req.url ?? '/', res);
    });
  }

  setRoute(path: string, route: HttpsRoute): void {
    this.routes.set(path, route);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(url: string, res: import('node:http').ServerResponse): void {
    this.requests.push(url);
    const route = this.routes.get(url) ?? this.routes.get(url.split('?', 1)[0] ?? url);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    if (route.hang) return;
    const respond = (): void => {
      if (res.destroyed) return;
      res.statusCode = route.status ?? 200;
      for (const [k, v] of Object.entries(route.headers ?? {})) res.setHeader(k, v);
      if (route.bodyBytes !== undefined) {
        this.stream(res, route.bodyBytes);
        return;
      }
      const body = route.body ?? '';
      res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
    };
    if (route.delayMs) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        respond();
      }, route.delayMs);
      this.timers.add(t);
    } else {
      respond();
    }
  }

  /** Writes `total` bytes of 'a' respecting backpressure; stops if the client goes away. */
  private stream(res: import('node:http').ServerResponse, total: number): void {
    let left = total;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!res.write(CHUNK.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }
}

export async function startHttpsHost(opts: HttpsHostOptions): Promise<TestHttpsHost> {
  const server = https.createServer({ cert: opts.certPem, key: opts.keyPem });
  const host = new HttpsHost(opts.host, server, opts.routes ?? {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 443, opts.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  host.port = (server.address() as net.AddressInfo).port;
  return host;
}
