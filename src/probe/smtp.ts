import net from 'node:net';
import tls from 'node:tls';
import type { CertificateSummary, FindingCode, TlsInfo } from '../core/report';
import { probeContext } from './tls-context';
import { ehloKeywords, SmtpProtocolError, SmtpReplyParser, type SmtpReply } from './smtp-reply';

/**
 * One STARTTLS probe of one MX address: greeting, EHLO, STARTTLS, handshake, EHLO again (REQUIRETLS is
 * announced after TLS), QUIT. Every wait is bounded by the stage timeout and by the caller's deadline.
 */

export type SmtpOutcome =
  /** TCP connect failed. */
  | 'unreachable'
  /** Connected, but no usable greeting or EHLO reply in time. */
  | 'silent'
  /** The server greeted with something other than 220, or spoke broken SMTP. */
  | 'refused'
  | 'no-starttls'
  | 'starttls-refused'
  | 'handshake-failed'
  | 'tls';

export interface SmtpProbeResult {
  outcome: SmtpOutcome;
  /** The server took part in an SMTP dialogue up to the STARTTLS decision. */
  answered: boolean;
  banner: string | null;
  starttlsAdvertised: boolean;
  requireTls: boolean;
  tls: TlsInfo | null;
  /** DER certificates as presented, leaf first, for DANE. */
  chainDer: Buffer[];
  failure: { code: FindingCode; message: string } | null;
}

export interface SmtpProbeOptions {
  port: number;
  heloName: string;
  /** Cap for each single wait (connect, a reply, the handshake). */
  stageTimeoutMs: number;
  signal?: AbortSignal;
  /** Extra trust anchors (PEM) on top of Node's store; NODE_EXTRA_CA_CERTS is honoured by Node itself. */
  extraCa?: readonly string[];
}

/** Outcomes where the server took part in the dialogue, so its lack of TLS is real, not a network fault. */
export const ANSWERED: ReadonlySet<SmtpOutcome> = new Set([
  'no-starttls',
  'starttls-refused',
  'handshake-failed',
  'tls',
]);

const LEGACY_VERSIONS = new Set(['TLSv1', 'TLSv1.1', 'SSLv3']);

class StageTimeout extends Error {}
class Aborted extends Error {}
class Closed extends Error {}

/** Reads SMTP replies from a socket, one at a time, with a timeout per reply. */
class ReplyReader {
  private readonly parser = new SmtpReplyParser();
  private readonly queue: SmtpReply[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    this.socket.off('error', this.onError);
  }

  private readonly onData = (chunk: Buffer): void => {
    // Line by line, so replies that precede garbage in the same packet are still delivered.
    let start = 0;
    try {
      while (start < chunk.length && !this.failure) {
        const newline = chunk.indexOf(0x0a, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        this.queue.push(...this.parser.push(chunk.subarray(start, end)));
        start = end;
      }
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
    this.wake?.();
  };

  /** Bytes or replies received that nobody has read yet. */
  get hasUnread(): boolean {
    return this.queue.length > 0 || this.parser.pendingBytes > 0 || this.failure instanceof SmtpProtocolError;
  }
  private readonly onClose = (): void => {
    this.failure ??= new Closed('the server closed the connection');
    this.wake?.();
  };
  private readonly onError = (error: Error): void => {
    this.failure ??= error;
    this.wake?.();
  };

  async next(timeoutMs: number, signal: AbortSignal | undefined): Promise<SmtpReply> {
    for (;;) {
      const reply = this.queue.shift();
      if (reply) return reply;
      if (this.failure) throw this.failure;
      await waitFor(
        (resume) => {
          this.wake = resume;
        },
        timeoutMs,
        signal,
      );
      this.wake = null;
    }
  }
}

function waitFor(
  register: (resume: () => void) => void,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Aborted());
      return;
    }
    const done = (error?: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => {
      done(new Aborted());
    };
    const timer = setTimeout(() => {
      done(new StageTimeout());
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    register(() => {
      done();
    });
  });
}

function connect(
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    let ready = false;
    socket.once('connect', () => {
      ready = true;
      resolve(socket);
    });
    socket.once('error', (error) => {
      if (!ready) reject(error);
    });
    waitFor(
      (resume) => {
        socket.once('connect', resume);
        socket.once('error', resume);
      },
      timeoutMs,
      signal,
    ).catch((error: unknown) => {
      socket.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

interface Handshake {
  secure: tls.TLSSocket;
  /** The chain Node already extracted for a trusted peer; extracting it again costs as much. */
  peer: tls.DetailedPeerCertificate | null;
}

function handshake(socket: net.Socket, hostName: string, options: SmtpProbeOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    let peer: tls.DetailedPeerCertificate | null = null;
    const secure = tls.connect({
      socket,
      servername: net.isIP(hostName) ? '' : hostName,
      // We report on the certificate instead of refusing it, and judge the name ourselves.
      rejectUnauthorized: false,
      checkServerIdentity: (_host, cert) => {
        peer = cert as tls.DetailedPeerCertificate;
        return undefined;
      },
      // TLS 1.0/1.1 are accepted so they can be reported (and flagged legacy).
      secureContext: probeContext('smtp-probe', options.extraCa),
    });
    let settled = false;
    secure.once('secureConnect', () => {
      settled = true;
      resolve({ secure, peer });
    });
    secure.once('error', (error: unknown) => {
      if (!settled) {
        settled = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    waitFor(
      (resume) => {
        secure.once('secureConnect', resume);
        secure.once('error', resume);
      },
      options.stageTimeoutMs,
      options.signal,
    ).catch((error: unknown) => {
      if (settled) return;
      settled = true;
      secure.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

function describeTls(
  secure: tls.TLSSocket,
  captured: tls.DetailedPeerCertificate | null,
  hostName: string,
): { info: TlsInfo; chainDer: Buffer[] } {
  const version = secure.getProtocol() ?? 'unknown';
  const leaf = captured ?? secure.getPeerCertificate(true);
  const hasCert = Boolean(leaf.raw);
  // DER certificates as presented, leaf first, for DANE.
  const chainDer: Buffer[] = [];
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  // Node's types promise an issuer on every certificate; at run time the chain simply ends.
  let cert = leaf as tls.DetailedPeerCertificate | undefined;
  for (; cert?.raw; cert = cert.issuerCertificate as tls.DetailedPeerCertificate | undefined) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    chainDer.push(cert.raw);
    chain.push({
      subject: formatName(cert.subject),
      issuer: formatName(cert.issuer),
      notBefore: isoDate(cert.valid_from),
      notAfter: isoDate(cert.valid_to),
    });
  }
  const authorizationError = secure.authorizationError as unknown as string | Error | null | undefined;
  const trustError =
    authorizationError instanceof Error ? authorizationError.message : (authorizationError ?? null);
  const cipher = secure.getCipher();
  const info: TlsInfo = {
    version,
    cipher: cipher.standardName || cipher.name,
    trusted: secure.authorized,
    trustError: secure.authorized ? null : (trustError ?? 'NO_CERTIFICATE'),
    // RFC 6125 as Node implements it: SANs first, a wildcard covers exactly one leftmost label.
    nameMatches: hasCert && tls.checkServerIdentity(hostName, leaf) === undefined,
    legacy: LEGACY_VERSIONS.has(version),
    subject: hasCert ? formatName(leaf.subject) : '',
    sans: hasCert ? parseSans(leaf.subjectaltname) : [],
    issuer: hasCert ? formatName(leaf.issuer) : '',
    notBefore: hasCert ? isoDate(leaf.valid_from) : '',
    notAfter: hasCert ? isoDate(leaf.valid_to) : '',
    chain,
  };
  return { info, chainDer };
}

function formatName(name: tls.Certificate | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

function parseSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
}

function isoDate(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function firstLine(reply: SmtpReply): string {
  const text = `${reply.code} ${reply.lines[0] ?? ''}`.trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function send(socket: net.Socket, line: string): void {
  if (!socket.destroyed) socket.write(`${line}\r\n`);
}

export async function probeSmtp(
  address: string,
  hostName: string,
  options: SmtpProbeOptions,
): Promise<SmtpProbeResult> {
  const result: SmtpProbeResult = {
    outcome: 'unreachable',
    answered: false,
    banner: null,
    starttlsAdvertised: false,
    requireTls: false,
    tls: null,
    chainDer: [],
    failure: null,
  };
  const where = `${hostName} [${address}]:${options.port}`;
  const fail = (outcome: SmtpOutcome, code: FindingCode, message: string): SmtpProbeResult => {
    result.outcome = outcome;
    result.answered = ANSWERED.has(outcome);
    result.failure = { code, message };
    return result;
  };

  let socket: net.Socket;
  try {
    socket = await connect(address, options.port, options.stageTimeoutMs, options.signal);
  } catch (error) {
    const reason = error instanceof StageTimeout || error instanceof Aborted ? 'timed out' : errorText(error);
    return fail('unreachable', 'SMTP_UNREACHABLE', `Could not connect to ${where}: ${reason}.`);
  }
  socket.setNoDelay(true);
  let active: net.Socket = socket;
  let stage = 'greeting';
  try {
    const reader = new ReplyReader(socket);
    const greeting = await reader.next(options.stageTimeoutMs, options.signal);
    result.banner = firstLine(greeting);
    if (greeting.code !== 220)
      return fail(
        'refused',
        'SMTP_BAD_GREETING',
        `${where} greeted with "${firstLine(greeting)}" instead of 220.`,
      );

    stage = 'EHLO';
    send(socket, `EHLO ${options.heloName}`);
    const ehlo = await reader.next(options.stageTimeoutMs, options.signal);
    if (ehlo.code !== 250)
      return fail('refused', 'SMTP_PROTOCOL_ERROR', `${where} refused EHLO: "${firstLine(ehlo)}".`);
    const keywords = ehloKeywords(ehlo);
    result.starttlsAdvertised = keywords.has('STARTTLS');
    result.requireTls = keywords.has('REQUIRETLS');
    if (!result.starttlsAdvertised) {
      send(socket, 'QUIT');
      return fail('no-starttls', 'SMTP_NO_STARTTLS', `${where} does not offer STARTTLS.`);
    }

    stage = 'STARTTLS';
    send(socket, 'STARTTLS');
    const ready = await reader.next(options.stageTimeoutMs, options.signal);
    if (ready.code !== 220) {
      send(socket, 'QUIT');
      return fail(
        'starttls-refused',
        'SMTP_STARTTLS_REFUSED',
        `${where} refused STARTTLS: "${firstLine(ready)}".`,
      );
    }
    // Plaintext after "220 ready" would be read as if it came through TLS (STARTTLS injection, CVE-2011-0411).
    if (reader.hasUnread)
      return fail(
        'handshake-failed',
        'TLS_HANDSHAKE_FAILED',
        `${where} sent plaintext data after agreeing to STARTTLS, instead of a TLS handshake.`,
      );
    reader.detach();

    stage = 'TLS handshake';
    let secure: tls.TLSSocket;
    let captured: tls.DetailedPeerCertificate | null;
    try {
      ({ secure, peer: captured } = await handshake(socket, hostName, options));
    } catch (error) {
      const reason =
        error instanceof StageTimeout || error instanceof Aborted ? 'timed out' : errorText(error);
      return fail(
        'handshake-failed',
        'TLS_HANDSHAKE_FAILED',
        `TLS handshake with ${where} failed: ${reason}.`,
      );
    }
    active = secure;
    const described = describeTls(secure, captured, hostName);
    result.tls = described.info;
    result.chainDer = described.chainDer;
    result.outcome = 'tls';
    result.answered = true;

    // The EHLO after TLS is only for REQUIRETLS; a server that stumbles here still did TLS.
    stage = 'EHLO after TLS';
    try {
      const secureReader = new ReplyReader(secure);
      send(secure, `EHLO ${options.heloName}`);
      const secureEhlo = await secureReader.next(options.stageTimeoutMs, options.signal);
      if (secureEhlo.code === 250 && ehloKeywords(secureEhlo).has('REQUIRETLS')) result.requireTls = true;
      send(secure, 'QUIT');
    } catch {
      // ignored on purpose, see above
    }
    return result;
  } catch (error) {
    if (error instanceof StageTimeout || error instanceof Aborted)
      return fail('silent', 'SMTP_TIMEOUT', `${where} did not answer in time (${stage}).`);
    if (error instanceof SmtpProtocolError)
      return fail(
        'refused',
        'SMTP_PROTOCOL_ERROR',
        `${where} sent a malformed reply (${stage}): ${error.message}`,
      );
    return fail(
      'refused',
      'SMTP_PROTOCOL_ERROR',
      `${where} broke off the dialogue (${stage}): ${errorText(error)}.`,
    );
  } finally {
    // QUIT was sent where it makes sense. Ending lets it reach the server; waiting for 221 would only
    // slow the probe down, so the socket is destroyed shortly after whatever the server does.
    const closing = active;
    closing.end();
    setTimeout(() => {
      closing.destroy();
      socket.destroy();
    }, 250).unref();
  }
}

function errorText(error: unknown): string {
  if (error instanceof Closed) return error.message;
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.message : String(error);
}
