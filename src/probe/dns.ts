import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { createLimiter } from './limit';

/**
 * A stub resolver speaking DNS wire format itself, because Node's dns module can neither query TLSA
 * (before Node 22.15) nor show the AD bit. It asks a recursive resolver with RD, AD and DO set, so a
 * validating resolver tells us whether the answer is DNSSEC-authenticated.
 */

export type QueryType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'TLSA' | 'CNAME';

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const;
export type Rcode = (typeof RCODES)[number] | 'OTHER';

export interface DnsResponse {
  rcode: Rcode;
  /** The resolver's AD bit: it validated the answer with DNSSEC. */
  authenticated: boolean;
  answers: dnsPacket.Answer[];
}

export type DnsErrorCode = 'DNS_TIMEOUT' | 'DNS_NETWORK' | 'DNS_BAD_RESPONSE' | 'DNS_ABORTED';

export class DnsError extends Error {
  constructor(
    readonly code: DnsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

export interface DnsClient {
  query(name: string, type: QueryType, signal?: AbortSignal): Promise<DnsResponse>;
}

export interface DnsServer {
  host: string;
  port: number;
}

export interface DnsClientOptions {
  /** `host`, `host:port` or `[v6]:port`. Default: the system's resolvers. */
  servers?: readonly string[];
  /** Per attempt. Each server is tried, and the list twice over, before giving up. */
  attemptTimeoutMs?: number;
  /** Queries in flight at once; a burst beyond a resolver's socket buffer is silently dropped. */
  maxInFlight?: number;
}

const UDP_PAYLOAD_SIZE = 1232;
const MAX_TCP_MESSAGE = 65535;

export function parseDnsServer(spec: string): DnsServer {
  const trimmed = spec.trim();
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(trimmed);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (net.isIPv6(trimmed)) {
    host = trimmed;
  } else {
    const parts = trimmed.split(':');
    if (parts.length > 2) throw new Error(`"${spec}" is not HOST or HOST:PORT.`);
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (!net.isIP(host)) throw new Error(`DNS server "${spec}" must be an IP address.`);
  const port = portText === undefined ? 53 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`DNS server "${spec}" has a bad port.`);
  return { host, port };
}

export function systemDnsServers(): DnsServer[] {
  return getServers().map(parseDnsServer);
}

export function createDnsClient(options: DnsClientOptions = {}): DnsClient {
  const servers = options.servers?.length ? options.servers.map(parseDnsServer) : systemDnsServers();
  if (servers.length === 0) throw new Error('No DNS server is configured.');
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 2000;
  const limit = createLimiter(options.maxInFlight ?? 32);

  return {
    query: (name, type, signal) => limit(() => queryServers(name, type, signal)),
  };

  async function queryServers(
    name: string,
    type: QueryType,
    signal: AbortSignal | undefined,
  ): Promise<DnsResponse> {
    let lastError: unknown = null;
    for (let round = 0; round < 2; round++) {
      for (const server of servers) {
        if (signal?.aborted)
          throw new DnsError('DNS_ABORTED', `DNS lookup of ${name} was cut off by the deadline.`);
        try {
          const response = await exchange(server, name, type, 'udp', attemptTimeoutMs, signal);
          if (!response.flag_tc) return toResponse(response);
          return toResponse(await exchange(server, name, type, 'tcp', attemptTimeoutMs, signal));
        } catch (error) {
          if (error instanceof DnsError && error.code === 'DNS_ABORTED') throw error;
          lastError = error;
        }
      }
    }
    throw lastError instanceof DnsError
      ? lastError
      : new DnsError('DNS_NETWORK', `DNS lookup of ${name} failed: ${String(lastError)}`);
  }
}

function toResponse(packet: dnsPacket.DecodedPacket): DnsResponse {
  const code = (packet.flags ?? 0) & 0x0f;
  return {
    rcode: RCODES[code] ?? 'OTHER',
    authenticated: packet.flag_ad,
    answers: packet.answers ?? [],
  };
}

function exchange(
  server: DnsServer,
  name: string,
  type: QueryType,
  transport: 'udp' | 'tcp',
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<dnsPacket.DecodedPacket> {
  const id = randomInt(0, 65536);
  const query: dnsPacket.Packet = {
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
    questions: [{ type, name, class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: UDP_PAYLOAD_SIZE,
        flags: dnsPacket.DNSSEC_OK,
      } as dnsPacket.Answer,
    ],
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    let cleanup = (): void => undefined;
    const finish = (error: Error | null, packet?: dnsPacket.DecodedPacket): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup();
      if (error) reject(error);
      else if (packet) resolve(packet);
    };
    const onAbort = (): void => {
      finish(new DnsError('DNS_ABORTED', `DNS lookup of ${name} was cut off by the deadline.`));
    };
    const timer = setTimeout(() => {
      finish(
        new DnsError('DNS_TIMEOUT', `${server.host} did not answer the ${type} query for ${name} in time.`),
      );
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    // Answers whose id or question differ are ignored: they may be spoofed or stale.
    const accept = (buffer: Buffer): boolean => {
      let packet: dnsPacket.DecodedPacket;
      try {
        packet = dnsPacket.decode(buffer);
      } catch {
        return false;
      }
      const question = packet.questions?.[0];
      if (
        packet.type !== 'response' ||
        packet.id !== id ||
        question?.name.toLowerCase() !== name.toLowerCase() ||
        question.type !== type
      )
        return false;
      finish(null, packet);
      return true;
    };

    if (transport === 'udp') {
      const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
      cleanup = () => {
        socket.close();
      };
      socket.on('error', (error) => {
        finish(new DnsError('DNS_NETWORK', `DNS over UDP to ${server.host} failed: ${error.message}`));
      });
      socket.on('message', (message, remote) => {
        if (remote.address === server.host && remote.port === server.port) accept(message);
      });
      socket.send(dnsPacket.encode(query), server.port, server.host);
      return;
    }

    const socket = net.connect({ host: server.host, port: server.port });
    cleanup = () => {
      socket.destroy();
    };
    let received = Buffer.alloc(0);
    socket.on('connect', () => {
      socket.write(dnsPacket.streamEncode(query));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length > MAX_TCP_MESSAGE + 2) {
        finish(new DnsError('DNS_BAD_RESPONSE', `${server.host} sent an oversized DNS message.`));
        return;
      }
      if (received.length < length + 2) return;
      if (!accept(received.subarray(2, length + 2)))
        finish(
          new DnsError('DNS_BAD_RESPONSE', `${server.host} sent a DNS answer that does not match the query.`),
        );
    });
    socket.on('error', (error) => {
      finish(new DnsError('DNS_NETWORK', `DNS over TCP to ${server.host} failed: ${error.message}`));
    });
    socket.on('close', () => {
      finish(new DnsError('DNS_NETWORK', `${server.host} closed the DNS connection without an answer.`));
    });
  });
}

/** The data of every answer of `type` in a response (RRSIGs and CNAME steps are skipped). */
type AnswerOf<T extends dnsPacket.Answer['type']> = T extends dnsPacket.StringRecordType
  ? dnsPacket.StringAnswer
  : Extract<dnsPacket.Answer, { type: T }>;

export function answersOfType<T extends dnsPacket.Answer['type']>(
  response: DnsResponse,
  type: T,
): Array<AnswerOf<T>> {
  return response.answers.filter((answer): answer is AnswerOf<T> => answer.type === type);
}
