/**
 * A real HTTP server on loopback that stands in for a Slack or Teams incoming webhook: it keeps every POST
 * it gets and answers as told (200, 500, or not at all), and can be stopped and started again on the same
 * port, so that a sender meets a refused connection in between.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The status it was answered with; null while it hangs. */
  answered: number | null;
}

export type WebhookMode = 'ok' | 'error' | 'hang';

export interface WebhookInbox {
  /** http://127.0.0.1:port + path */
  url: string;
  requests: WebhookRequest[];
  mode: WebhookMode;
  /** The first request (received already or within the timeout) that matches. */
  waitFor(match: (request: WebhookRequest) => boolean, timeoutMs?: number): Promise<WebhookRequest>;
  /** Stops listening (connections are refused) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookInbox(path = '/hook'): Promise<WebhookInbox> {
  const requests: WebhookRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let server: Server | null = null;
  let port = 0;
  const inbox: WebhookInbox = {
    url: '',
    requests,
    mode: 'ok',
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = requests.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching webhook request within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async start() {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text) as unknown;
          } catch {
            // kept as text
          }
          const kept: WebhookRequest = {
            method: request.method ?? '',
            path: request.url ?? '',
            headers: request.headers,
            body,
            answered: null,
          };
          requests.push(kept);
          if (inbox.mode === 'hang') {
            hanging.add(response);
            response.on('close', () => hanging.delete(response));
            return;
          }
          kept.answered = inbox.mode === 'ok' ? 200 : 500;
          response.writeHead(kept.answered, { 'content-type': 'text/plain' }).end(inbox.mode);
        });
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, '127.0.0.1', () => {
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
      inbox.url = `http://127.0.0.1:${port}${path}`;
    },
    async stop() {
      const running = server;
      server = null;
      for (const response of hanging) response.destroy();
      if (!running) return;
      running.closeAllConnections();
      await new Promise<void>((resolve) => {
        running.close(() => {
          resolve();
        });
      });
    },
    close: () => inbox.stop(),
  };
  await inbox.start();
  return inbox;
}
