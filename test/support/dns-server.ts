/**
 * A tiny authoritative-and-recursive-looking DNS server for tests: one in-memory zone, served over UDP and TCP
 * on 127.0.0.1 with a random port, plus knobs for the failure modes a resolver client must survive.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet } from 'dns-packet';

export type ForcedRcode = 'SERVFAIL' | 'REFUSED' | 'NXDOMAIN';

export interface TestDnsServer {
  /** "127.0.0.1:PORT" */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** Zone data; names are case-insensitive and may omit the trailing dot. */
  add(...answers: Answer[]): void;
  /** Removes records of that name (only of `type` if given). */
  remove(name: string, type?: string): void;
  /** Forced response code for every query of that exact name; null clears it. */
  setRcode(name: string, rcode: ForcedRcode | null): void;
  /** Never answer queries for that name (to exercise client timeouts). */
  setSilent(name: string, silent: boolean): void;
  /** UDP answers for that name come back TC=1 and empty; TCP answers fully. */
  setTruncated(name: string, truncated: boolean): void;
  /** AD bit for that name and every name under it ('*' = everything); the most specific setting wins. */
  setAuthenticated(nameOrSuffix: string, ad: boolean): void;
  readonly queries: Array<{ name: string; type: string; transport: 'udp' | 'tcp' }>;
  close(): Promise<void>;
}

const RCODES: Record<ForcedRcode | 'NOERROR', number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
const MAX_CNAME_HOPS = 8;
const DEFAULT_TTL = 300;

function norm(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

type Transport = 'udp' | 'tcp';

class DnsServer implements TestDnsServer {
  readonly host = '127.0.0.1';
  readonly queries: Array<{ name: string; type: string; transport: Transport }> = [];
  private readonly zone = new Map<string, Answer[]>();
  private readonly rcodes = new Map<string, ForcedRcode>();
  private readonly silent = new Set<string>();
  private readonly truncated = new Set<string>();
  private readonly authenticated = new Map<string, boolean>();
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    readonly port: number,
  ) {
    udp.on('message', (msg, rinfo) => {
      const reply = this.handle(msg, 'udp');
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
    tcp.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2) {
          const len = pending.readUInt16BE(0);
          if (pending.length < 2 + len) break;
          const msg = pending.subarray(2, 2 + len);
          pending = pending.subarray(2 + len);
          const reply = this.handle(msg, 'tcp');
          if (reply && !socket.destroyed) {
            const prefix = Buffer.alloc(2);
            prefix.writeUInt16BE(reply.length);
            socket.write(Buffer.concat([prefix, reply]));
          }
        }
      });
    });
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  add(...answers: Answer[]): void {
    for (const a of answers) {
      const key = norm(a.name);
      const list = this.zone.get(key) ?? [];
      list.push(a);
      this.zone.set(key, list);
    }
  }

  remove(name: string, type?: string): void {
    const key = norm(name);
    if (type === undefined) {
      this.zone.delete(key);
      return;
    }
    const kept = (this.zone.get(key) ?? []).filter((a) => a.type !== type.toUpperCase());
    if (kept.length > 0) this.zone.set(key, kept);
    else this.zone.delete(key);
  }

  setRcode(name: string, rcode: ForcedRcode | null): void {
    if (rcode === null) this.rcodes.delete(norm(name));
    else this.rcodes.set(norm(name), rcode);
  }

  setSilent(name: string, silent: boolean): void {
    if (silent) this.silent.add(norm(name));
    else this.silent.delete(norm(name));
  }

  setTruncated(name: string, truncated: boolean): void {
    if (truncated) this.truncated.add(norm(name));
    else this.truncated.delete(norm(name));
  }

  setAuthenticated(nameOrSuffix: string, ad: boolean): void {
    this.authenticated.set(nameOrSuffix === '*' ? '*' : norm(nameOrSuffix), ad);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      new Promise<void>((resolve) => {
        try {
          this.udp.close(() => {
            resolve();
          });
        } catch {
          resolve(); // already closed
        }
      }),
      new Promise<void>((resolve) =>
        this.tcp.close(() => {
          resolve();
        }),
      ),
    ]);
  }

  private isAuthenticated(name: string): boolean {
    // Walk from the name up to the root; the first explicit setting is the most specific one.
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const setting = this.authenticated.get(labels.slice(i).join('.'));
      if (setting !== undefined) return setting;
    }
    return this.authenticated.get('*') ?? false;
  }

  private nameExists(name: string): boolean {
    if (this.zone.has(name)) return true;
    const suffix = `.${name}`;
    for (const key of this.zone.keys()) if (key.endsWith(suffix)) return true;
    return false;
  }

  private withTtl(a: Answer): Answer {
    return a.type === 'OPT' ? a : { ...a, ttl: a.ttl ?? DEFAULT_TTL };
  }

  /** Returns the encoded reply, or null to stay silent. */
  private handle(msg: Buffer, transport: Transport): Buffer | null {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return null; // garbage
    }
    const question = query.questions?.[0];
    if (query.type !== 'query' || question === undefined) return null;
    const qname = norm(question.name);
    const qtype = question.type.toUpperCase();
    this.queries.push({ name: qname, type: qtype, transport });
    if (this.silent.has(qname)) return null;

    const queryOpt = (query.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
    const wantsAd = query.flag_ad || queryOpt?.flag_do === true;

    let rcode: number = RCODES.NOERROR;
    let answers: Answer[] = [];
    let authenticated = this.isAuthenticated(qname);
    const forced = this.rcodes.get(qname);
    if (forced !== undefined) {
      rcode = RCODES[forced];
      authenticated = false;
    } else if (!this.nameExists(qname)) {
      rcode = RCODES.NXDOMAIN;
    } else {
      // Collect records of the asked type, chasing CNAMEs inside the zone.
      let current = qname;
      for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
        const records = this.zone.get(current) ?? [];
        const direct = records.filter((a) => a.type === qtype || qtype === 'ANY');
        if (direct.length > 0) {
          answers.push(...direct);
          break;
        }
        const cname = records.find((a) => a.type === 'CNAME');
        if (cname?.type !== 'CNAME') break;
        answers.push(cname);
        current = norm(cname.data);
        authenticated &&= this.isAuthenticated(current);
      }
      answers = answers.map((a) => this.withTtl(a));
    }

    const flagBits =
      dnsPacket.RECURSION_AVAILABLE |
      (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) |
      (query.flag_cd ? dnsPacket.CHECKING_DISABLED : 0) |
      (authenticated && wantsAd ? dnsPacket.AUTHENTIC_DATA : 0);
    const additionals: Answer[] = [];
    if (queryOpt) {
      const opt: OptAnswer = {
        type: 'OPT',
        name: '.',
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: queryOpt.flag_do ? dnsPacket.DNSSEC_OK : 0,
        flag_do: queryOpt.flag_do,
        options: [],
      };
      additionals.push(opt);
    }
    const reply = (ans: Answer[], extra: number): Buffer => {
      const packet: Packet = {
        type: 'response',
        id: query.id ?? 0,
        flags: flagBits | extra | rcode,
        questions: query.questions ?? [],
        answers: ans,
        authorities: [],
        additionals,
      };
      return dnsPacket.encode(packet);
    };

    if (transport === 'udp') {
      const limit = queryOpt ? Math.max(512, queryOpt.udpPayloadSize) : 512;
      if (this.truncated.has(qname)) return reply([], dnsPacket.TRUNCATED_RESPONSE);
      const full = reply(answers, 0);
      return full.length > limit ? reply([], dnsPacket.TRUNCATED_RESPONSE) : full;
    }
    return reply(answers, 0);
  }
}

async function bindPair(): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket('udp4');
    udp.on('error', () => undefined); // late errors after close are irrelevant in tests
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => {
        resolve(udp.address().port);
      });
    });
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, '127.0.0.1', () => {
          resolve();
        });
      });
      return { udp, tcp, port };
    } catch (err) {
      // The TCP side of this port is taken by someone else; try another.
      udp.close();
      if (attempt >= 20) throw err;
    }
  }
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const { udp, tcp, port } = await bindPair();
  return new DnsServer(udp, tcp, port);
}
