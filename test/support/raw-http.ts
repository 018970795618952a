import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * HTTP requests whose request line goes out exactly as written (percent-escapes, absolute form), to a
 * server listening on loopback: app.inject and fetch would normalise the very spellings under test.
 */

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `127.0.0.1:${port}`;
}

/** `target` is sent verbatim: `/%61pi/v1/policy` or `http://host/api/v1/policy`. */
export function rawRequest(
  hostPort: string,
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const [host = '127.0.0.1', port = '0'] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close', ...options.headers };
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest({ host, port: Number(port), method, path: target, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The spellings of one API path that reach the same route: as is, %-escaped, and absolute form. */
export function spellings(path: string, hostPort: string): Array<[string, string]> {
  const escape = (text: string, index: number): string =>
    `${text.slice(0, index)}%${text.charCodeAt(index).toString(16).padStart(2, '0')}${text.slice(index + 1)}`;
  const last = path.lastIndexOf('/') + 1;
  const letter = path.slice(last).search(/[a-z]/);
  return [
    ['plain', path],
    // "/%61pi/...": the prefix the old hook looked at.
    ['escaped prefix', escape(path, 1)],
    // "/api/v1/%70olicy": a letter of the route's own segment.
    ['escaped segment', letter >= 0 ? escape(path, last + letter) : escape(path, 5)],
    ['absolute form', `http://${hostPort}${path}`],
  ];
}
