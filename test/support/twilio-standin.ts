/**
 * Twilio's Messages API on loopback HTTPS (certificate from a test CA), for the SMS provider to talk to.
 * Every request is checked against Twilio's documented call: POST /2010-04-01/Accounts/{AccountSid}/
 * Messages.json, HTTP Basic auth, a form-encoded body with To (E.164), From or MessagingServiceSid, and Body.
 * What it answers is queued per request: accepted (201), an error as Twilio sends it, or no answer at all.
 */
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createTestCa } from './pki';

export interface StandInCredentials {
  accountSid: string;
  username: string;
  password: string;
}

export interface ReceivedText {
  method: string;
  path: string;
  contentType: string;
  /** The form's field names, in order. */
  fields: string[];
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  /** Where it differs from Twilio's documented request; empty when it is well formed. */
  problems: string[];
}

export type StandInAnswer =
  { kind: 'accept' } | { kind: 'error'; status: number; code?: number; json?: boolean } | { kind: 'hang' };

export interface TwilioStandIn {
  baseUrl: string;
  caPem: string;
  received: ReceivedText[];
  /** Answers for the next requests, in order; when none is queued, the text is accepted. */
  answer(...answers: StandInAnswer[]): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{1,14}$/;

function problemsOf(
  credentials: StandInCredentials,
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  form: URLSearchParams,
): string[] {
  const problems: string[] = [];
  if (method !== 'POST') problems.push(`method ${method}`);
  if (path !== `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`) problems.push(`path ${path}`);
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  if (headers.authorization !== expected) problems.push('authorization');
  const type = String(headers['content-type'] ?? '');
  if (type.split(';')[0]?.trim() !== 'application/x-www-form-urlencoded')
    problems.push(`content-type ${type}`);
  const names = [...form.keys()];
  for (const name of names) if (form.getAll(name).length > 1) problems.push(`repeated ${name}`);
  const allowed = new Set(['To', 'From', 'MessagingServiceSid', 'Body']);
  for (const name of names) if (!allowed.has(name)) problems.push(`unexpected field ${name}`);
  if (!E164.test(form.get('To') ?? '')) problems.push('To is not E.164');
  if (form.has('From') === form.has('MessagingServiceSid'))
    problems.push('exactly one of From and MessagingServiceSid');
  if (!form.get('Body')) problems.push('no Body');
  return problems;
}

export async function startTwilioStandIn(credentials: StandInCredentials): Promise<TwilioStandIn> {
  const ca = await createTestCa('TLS Gate Twilio Test CA');
  const leaf = await ca.issue({ commonName: 'localhost', sans: ['localhost'] });
  const received: ReceivedText[] = [];
  const queue: StandInAnswer[] = [];
  const sockets = new Set<Socket>();

  const server = https.createServer({ key: leaf.keyPem, cert: leaf.fullChainPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const path = req.url ?? '';
      const problems = problemsOf(credentials, req.method ?? '', path, req.headers, form);
      received.push({
        method: req.method ?? '',
        path,
        contentType: req.headers['content-type'] ?? '',
        fields: [...form.keys()],
        to: form.get('To') ?? '',
        from: form.get('From'),
        messagingServiceSid: form.get('MessagingServiceSid'),
        body: form.get('Body') ?? '',
        problems,
      });
      const answer: StandInAnswer =
        problems.length > 0
          ? { kind: 'error', status: 400, code: 21604 }
          : (queue.shift() ?? { kind: 'accept' });
      if (answer.kind === 'hang') return;
      res.setHeader('content-type', 'application/json');
      if (answer.kind === 'accept') {
        res.statusCode = 201;
        res.end(
          JSON.stringify({
            sid: `SM${'0'.repeat(32)}`,
            account_sid: credentials.accountSid,
            to: form.get('To'),
            status: 'queued',
            error_code: null,
          }),
        );
        return;
      }
      res.statusCode = answer.status;
      if (answer.json === false) {
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>Bad gateway</body></html>');
        return;
      }
      // Twilio's error body; its message names the number, which the provider must not keep.
      res.end(
        JSON.stringify({
          code: answer.code ?? answer.status * 100,
          message: `The 'To' number ${form.get('To') ?? ''} is not valid.`,
          more_info: `https://www.twilio.com/docs/errors/${answer.code ?? 0}`,
          status: answer.status,
        }),
      );
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `https://localhost:${port}`,
    caPem: ca.certPem,
    received,
    answer(...answers) {
      queue.push(...answers);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
