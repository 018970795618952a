/**
 * The loopback "mail internet": one DNS server, one test CA, and helpers that start SMTP and MTA-STS hosts on
 * fresh 127.x.y.z addresses and publish the matching DNS records.
 */
import { createHash } from 'node:crypto';
import { startDnsServer, type TestDnsServer } from './dns-server';
import { startHttpsHost, type HttpsRoute, type TestHttpsHost } from './https-host';
import { allocateLoopbackIp } from './loopback';
import { createSelfSigned, createTestCa, type Issued, type TestCa } from './pki';
import { startSmtpServer, type SmtpMode, type TestSmtpServer } from './smtp-server';

/** `expiring`: trusted and rightly named, but ends in 5 days (a forced-TLS partner at risk). */
export type CertKind = 'trusted' | 'self-signed' | 'expired' | 'expiring' | 'misnamed' | 'none';

export interface MailHostOptions {
  name: string;
  /** Default 'starttls'. */
  mode?: SmtpMode;
  /** Default 'trusted'. With 'none' the server has no certificate and answers STARTTLS with 454. */
  cert?: CertKind;
  tls10Only?: boolean;
  requireTls?: boolean;
  ip?: string;
  /** Publish an A record for `name`; default true. */
  aRecord?: boolean;
  /** Wait this long before the greeting, like a distant or greet-pausing server. */
  greetingDelayMs?: number;
}

export interface MailHost {
  name: string;
  ip: string;
  server: TestSmtpServer;
  cert: Issued | null;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: Buffer;
}

export interface MtaStsOptions {
  /** Policy id for the TXT record; default '20240101000000'. */
  id?: string;
  /** Policy text (served as text/plain, 200) or a full route. */
  policy: string | HttpsRoute;
  /** Default 'trusted'. With 'none' nothing listens on mta-sts.<domain>:443 (connection refused). */
  cert?: CertKind;
  /** Publish _mta-sts.<domain> TXT "v=STSv1; id=<id>"; default true. */
  record?: boolean;
}

export const MTA_STS_PATH = '/.well-known/mta-sts.txt';
const DAY = 24 * 60 * 60 * 1000;

/**
 * Starts a server on a fresh loopback address (or on `fixedIp`). Another jest process with the same worker id
 * allocates the same addresses, so on EADDRINUSE move on to the next one (failed binds are cheap).
 */
async function onFreshIp<T>(
  fixedIp: string | undefined,
  start: (ip: string) => Promise<T>,
): Promise<[string, T]> {
  if (fixedIp !== undefined) return [fixedIp, await start(fixedIp)];
  for (let attempt = 0; ; attempt++) {
    const ip = allocateLoopbackIp();
    try {
      return [ip, await start(ip)];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5000) throw err;
    }
  }
}

export class MailInternet {
  private readonly closers: Array<() => Promise<void>> = [];

  private constructor(
    readonly dns: TestDnsServer,
    readonly ca: TestCa,
  ) {}

  static async start(): Promise<MailInternet> {
    const [dns, ca] = await Promise.all([startDnsServer(), createTestCa('TLS Gate Test CA')]);
    return new MailInternet(dns, ca);
  }

  get probeOptions(): {
    dnsServers: string[];
    allowPrivateNetworks: true;
    extraCa: string[];
    timeoutMs: number;
  } {
    return {
      dnsServers: [this.dns.address],
      allowPrivateNetworks: true,
      extraCa: [this.ca.certPem],
      timeoutMs: 3000,
    };
  }

  /** A certificate of the given kind for `name`, or null for 'none'. */
  async certFor(name: string, kind: CertKind): Promise<Issued | null> {
    switch (kind) {
      case 'trusted':
        return this.ca.issue({ commonName: name, sans: [name] });
      case 'self-signed':
        return createSelfSigned({ commonName: name, sans: [name] });
      case 'expired':
        return this.ca.issue({
          commonName: name,
          sans: [name],
          notBefore: new Date(Date.now() - 60 * DAY),
          notAfter: new Date(Date.now() - DAY),
        });
      case 'expiring':
        return this.ca.issue({ commonName: name, sans: [name], notAfter: new Date(Date.now() + 5 * DAY) });
      case 'misnamed':
        return this.ca.issue({ commonName: 'wrong.invalid', sans: ['wrong.invalid'] });
      case 'none':
        return null;
    }
  }

  async mailHost(opts: MailHostOptions): Promise<MailHost> {
    const cert = await this.certFor(opts.name, opts.cert ?? 'trusted');
    const [ip, server] = await onFreshIp(opts.ip, (host) =>
      startSmtpServer({
        host,
        mode: opts.mode ?? 'starttls',
        hostname: opts.name,
        ...(opts.greetingDelayMs ? { greetingDelayMs: opts.greetingDelayMs } : {}),
        ...(cert
          ? {
              tls: {
                certPem: cert.fullChainPem,
                keyPem: cert.keyPem,
                ...(opts.tls10Only
                  ? {
                      minVersion: 'TLSv1' as const,
                      maxVersion: 'TLSv1' as const,
                      ciphers: 'DEFAULT:@SECLEVEL=0',
                    }
                  : {}),
              },
            }
          : {}),
        ...(opts.requireTls ? { requireTls: true } : {}),
      }),
    );
    this.closers.push(() => server.close());
    if (opts.aRecord !== false) this.a(opts.name, ip);
    return { name: opts.name, ip, server, cert };
  }

  /** MX records for `domain`; a host of '.' makes a null MX (RFC 7505). */
  mx(domain: string, hosts: Array<[preference: number, host: string]>): void {
    for (const [preference, exchange] of hosts) {
      this.dns.add({ type: 'MX', name: domain, data: { preference, exchange } });
    }
  }

  a(name: string, ip: string): void {
    this.dns.add({ type: 'A', name, data: ip });
  }

  /** ONE TXT record made of these character-strings. */
  txt(name: string, ...strings: string[]): void {
    this.dns.add({ type: 'TXT', name, data: strings });
  }

  async mtaSts(domain: string, opts: MtaStsOptions): Promise<TestHttpsHost> {
    const hostName = `mta-sts.${domain}`;
    const route: HttpsRoute =
      typeof opts.policy === 'string'
        ? { status: 200, body: opts.policy, headers: { 'content-type': 'text/plain' } }
        : opts.policy;
    const cert = await this.certFor(hostName, opts.cert ?? 'trusted');
    let host: TestHttpsHost;
    if (cert) {
      [, host] = await onFreshIp(undefined, (ip) =>
        startHttpsHost({
          host: ip,
          certPem: cert.fullChainPem,
          keyPem: cert.keyPem,
          routes: { [MTA_STS_PATH]: route },
        }),
      );
      this.closers.push(() => host.close());
    } else {
      // Nothing listens on this address, so fetches see ECONNREFUSED.
      const ip = allocateLoopbackIp();
      host = { host: ip, port: 443, requests: [], setRoute: () => undefined, close: () => Promise.resolve() };
    }
    this.a(hostName, host.host);
    if (opts.record !== false) this.txt(`_mta-sts.${domain}`, `v=STSv1; id=${opts.id ?? '20240101000000'}`);
    return host;
  }

  /** TLSA records at _<port>._tcp.<host> (port default 25). */
  tlsa(host: string, records: TlsaRecord[], opts?: { port?: number }): void {
    const name = `_${opts?.port ?? 25}._tcp.${host}`;
    for (const r of records) {
      this.dns.add({
        type: 'TLSA',
        name,
        data: { usage: r.usage, selector: r.selector, matchingType: r.matchingType, certificate: r.data },
      });
    }
  }

  /** Association data from the host's leaf (usage 3) or the test CA (usage 2). */
  tlsaFor(host: MailHost, usage: 2 | 3, selector: 0 | 1, matchingType: 0 | 1 | 2): TlsaRecord {
    const source = usage === 3 ? host.cert : this.ca;
    if (!source) throw new Error(`mail host ${host.name} has no certificate`);
    const raw = selector === 0 ? source.certDer : source.spkiDer;
    const data =
      matchingType === 0
        ? raw
        : createHash(matchingType === 1 ? 'sha256' : 'sha512')
            .update(raw)
            .digest();
    return { usage, selector, matchingType, data };
  }

  async close(): Promise<void> {
    const closers = this.closers.splice(0);
    await Promise.all([...closers.map((c) => c()), this.dns.close()]);
  }
}
