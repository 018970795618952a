/**
 * A real SMTP server on loopback (the `smtp-server` package) that the portal's relay settings point at:
 * STARTTLS with a certificate from a test CA, AUTH after TLS, and every message kept for the test to read.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createTestCa } from './pki';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as received (headers and body). */
  raw: string;
  /** The decoded text body. */
  text: string;
  subject: string;
  /** Whether the session had been upgraded to TLS when the message came. */
  secure: boolean;
  user: string | null;
}

export interface SmtpInbox {
  port: number;
  /** The test CA's certificate, in a file for TLSGATE_SMTP_CA_FILE. */
  caFile: string;
  caPem: string;
  /** smtp://user:pass@localhost:port */
  url: string;
  mails: ReceivedMail[];
  /** The first mail (received already or within the timeout) that matches. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface SmtpInboxOptions {
  /** Offer STARTTLS (default true). Without it a relay that requires TLS must refuse to send. */
  starttls?: boolean;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Headers and text body of a single-part message (what the portal sends). */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { headers, text };
}

/** The 6-digit code in a code mail. */
export function codeFrom(mail: ReceivedMail): string {
  const match = /\b(\d{6})\b/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no code in mail: ${mail.text}`);
  return match[1];
}

export async function startSmtpInbox(options: SmtpInboxOptions = {}): Promise<SmtpInbox> {
  const ca = await createTestCa('TLS Gate SMTP Test CA');
  const leaf = await ca.issue({ commonName: 'localhost', sans: ['localhost'] });
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-smtp-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  const mails: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const starttls = options.starttls ?? true;

  const server = new SMTPServer({
    secure: false,
    key: leaf.keyPem,
    cert: leaf.fullChainPem,
    logger: false,
    authOptional: true,
    ...(starttls ? {} : { disabledCommands: ['STARTTLS'], allowInsecureAuth: true }),
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseMail(raw);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          text: parsed.text,
          subject: parsed.headers.subject ?? '',
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : null,
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    caFile,
    caPem: ca.certPem,
    url: `smtp://portal:secret@localhost:${port}`,
    mails,
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.find(match);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching mail within ${timeoutMs} ms (${mails.length} received)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
