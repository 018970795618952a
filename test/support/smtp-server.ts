/**
 * Hand-rolled SMTP server (node:net + node:tls) with deliberately odd behaviours, so the prober can be tested
 * against the broken receivers it will meet in the wild. Only what a TLS probe exercises is implemented.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export type SmtpMode =
  /** Advertises STARTTLS and upgrades on it. */
  | 'starttls'
  /** No STARTTLS in EHLO; the STARTTLS command gets 502. */
  | 'plain'
  /** Advertises STARTTLS but answers it with 454. */
  | 'refuse-starttls'
  /** Accepts TCP, never sends anything. */
  | 'silent'
  /** Greets with 554 and then only accepts QUIT. */
  | 'bad-greeting'
  /** Advertises STARTTLS, answers 220, then sends garbage and closes instead of a handshake. */
  | 'tls-break';

export interface SmtpServerOptions {
  host: string;
  /** Default 25. */
  port?: number;
  mode: SmtpMode;
  /** Used in the banner and EHLO reply. */
  hostname?: string;
  tls?: {
    /** Full chain PEM. */
    certPem: string;
    keyPem: string;
    minVersion?: tls.SecureVersion;
    maxVersion?: tls.SecureVersion;
    ciphers?: string;
  };
  /** Advertise REQUIRETLS in the EHLO reply once TLS is up. */
  requireTls?: boolean;
  greetingDelayMs?: number;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Client command lines, one array per connection (message bodies are not recorded). */
  readonly transcripts: string[][];
  close(): Promise<void>;
}

const GARBAGE = Buffer.from('\x15\x00\x00this is not a TLS handshake\r\n', 'latin1');

interface Conversation {
  socket: net.Socket;
  transcript: string[];
  secure: boolean;
  reply(text: string): void;
  /** Stops this plaintext/TLS reader; the caller must not read further lines from it. */
  detach(): void;
}

class SmtpServer implements TestSmtpServer {
  readonly transcripts: string[][] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly secureContext: tls.SecureContext | null;
  private readonly hostname: string;
  port = 0;

  constructor(
    private readonly opts: SmtpServerOptions,
    private readonly server: net.Server,
  ) {
    this.hostname = opts.hostname ?? 'smtp.test';
    this.secureContext = opts.tls
      ? tls.createSecureContext({
          cert: opts.tls.certPem,
          key: opts.tls.keyPem,
          ...(opts.tls.minVersion ? { minVersion: opts.tls.minVersion } : {}),
          ...(opts.tls.maxVersion ? { maxVersion: opts.tls.maxVersion } : {}),
          ...(opts.tls.ciphers ? { ciphers: opts.tls.ciphers } : {}),
        })
      : null;
    server.on('connection', (socket) => {
      this.accept(socket);
    });
  }

  get host(): string {
    return this.opts.host;
  }

  get connections(): number {
    return this.transcripts.length;
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

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {
      socket.destroy();
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private accept(socket: net.Socket): void {
    this.track(socket);
    const transcript: string[] = [];
    this.transcripts.push(transcript);
    const { mode } = this.opts;
    if (mode === 'silent') return;

    const greet = (): void => {
      if (socket.destroyed) return;
      if (mode === 'bad-greeting') socket.write(`554 ${this.hostname} no SMTP service here\r\n`);
      else socket.write(`220 ${this.hostname} ESMTP TLS Gate test server\r\n`);
    };
    if (this.opts.greetingDelayMs) this.later(this.opts.greetingDelayMs, greet);
    else greet();

    this.converse(socket, transcript, false);
  }

  /** Reads command lines from `socket` and answers them; `secure` says whether TLS is already up. */
  private converse(socket: net.Socket, transcript: string[], secure: boolean): void {
    let buffered = '';
    let inData = false;
    let attached = true;
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('latin1');
      let nl: number;
      while (attached && (nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            conv.reply('250 2.0.0 OK: discarded');
          }
          continue;
        }
        transcript.push(line);
        inData = this.command(line, conv);
      }
    };
    const conv: Conversation = {
      socket,
      transcript,
      secure,
      reply: (text) => {
        if (!socket.destroyed && socket.writable) socket.write(`${text}\r\n`);
      },
      detach: () => {
        // Anything pipelined after STARTTLS/QUIT is dropped, as a careful server must.
        attached = false;
        socket.pause();
        socket.removeListener('data', onData);
      },
    };
    socket.on('data', onData);
  }

  /** Handles one command line. Returns true when a DATA body follows. */
  private command(line: string, conv: Conversation): boolean {
    const { mode } = this.opts;
    const verb = (line.split(' ', 1)[0] ?? '').toUpperCase();
    if (verb === 'QUIT') {
      conv.detach();
      conv.reply(`221 2.0.0 ${this.hostname} closing connection`);
      conv.socket.end();
      return false;
    }
    if (mode === 'bad-greeting') {
      conv.reply('503 5.5.1 No SMTP service here');
      return false;
    }
    switch (verb) {
      case 'EHLO': {
        const arg = line.slice(5).trim();
        const lines = [`${this.hostname} greets ${arg || 'client'}`, 'PIPELINING', '8BITMIME'];
        if (!conv.secure && mode !== 'plain') lines.push('STARTTLS');
        if (conv.secure && this.opts.requireTls) lines.push('REQUIRETLS');
        lines.push('SIZE 52428800');
        // One write, as real servers do: line-by-line writes meet Nagle and delayed ACK (40 ms stalls).
        conv.reply(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n'));
        return false;
      }
      case 'HELO':
        conv.reply(`250 ${this.hostname}`);
        return false;
      case 'NOOP':
      case 'RSET':
        conv.reply('250 2.0.0 OK');
        return false;
      case 'MAIL':
        conv.reply('250 2.1.0 OK');
        return false;
      case 'RCPT':
        conv.reply('250 2.1.5 OK');
        return false;
      case 'DATA':
        conv.reply('354 End data with <CR><LF>.<CR><LF>');
        return true;
      case 'STARTTLS':
        this.startTls(conv);
        return false;
      default:
        conv.reply('500 5.5.2 Command unrecognized');
        return false;
    }
  }

  private startTls(conv: Conversation): void {
    const { mode } = this.opts;
    if (conv.secure) {
      conv.reply('503 5.5.1 TLS already active');
      return;
    }
    if (mode === 'plain') {
      conv.reply('502 5.5.1 Command not implemented');
      return;
    }
    const context = this.secureContext;
    if (mode === 'refuse-starttls' || !context) {
      conv.reply('454 4.7.0 TLS not available');
      return;
    }
    // Stop reading plaintext before replying so the ClientHello is left for the TLS layer.
    conv.detach();
    conv.reply('220 2.0.0 Ready to start TLS');
    const { socket } = conv;
    if (mode === 'tls-break') {
      socket.write(GARBAGE);
      socket.end();
      this.later(50, () => socket.destroy());
      return;
    }
    const tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: context,
      requestCert: false,
      rejectUnauthorized: false,
    });
    this.track(tlsSocket);
    tlsSocket.once('secure', () => {
      this.converse(tlsSocket, conv.transcript, true);
    });
  }
}

export async function startSmtpServer(opts: SmtpServerOptions): Promise<TestSmtpServer> {
  const server = net.createServer();
  const smtp = new SmtpServer(opts, server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 25, opts.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  smtp.port = (server.address() as net.AddressInfo).port;
  return smtp;
}
