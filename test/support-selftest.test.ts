/** Self-test of the loopback mail internet in test/support (DNS, SMTP, HTTPS, PKI). */
import * as dgram from 'node:dgram';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet, RecordType } from 'dns-packet';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { allocateLoopbackIp } from './support/loopback';
import { MailInternet, MTA_STS_PATH } from './support/mail-internet';
import { createTestCa } from './support/pki';
import { startSmtpServer } from './support/smtp-server';

// ---- DNS client helpers -------------------------------------------------------------------------------

function query(name: string, type: RecordType, opts: { dnssec?: boolean; ad?: boolean } = {}): Packet {
  return {
    type: 'query',
    id: Math.floor(Math.random() * 65535),
    flags: dnsPacket.RECURSION_DESIRED | (opts.ad ? dnsPacket.AUTHENTIC_DATA : 0),
    questions: [{ name, type, class: 'IN' }],
    additionals: opts.dnssec
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 1232,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: dnsPacket.DNSSEC_OK,
            flag_do: true,
            options: [],
          },
        ]
      : [],
  };
}

type Reply = DecodedPacket & { rcode?: string };

function udpAsk(server: TestDnsServer, packet: Packet | Buffer, waitMs = 1000): Promise<Reply | null> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolve(null);
    }, waitMs);
    sock.on('error', reject);
    sock.on('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      resolve(dnsPacket.decode(msg));
    });
    sock.send(Buffer.isBuffer(packet) ? packet : dnsPacket.encode(packet), server.port, server.host);
  });
}

function tcpAsk(server: TestDnsServer, packet: Packet): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, server.host);
    let buf = Buffer.alloc(0);
    sock.on('error', reject);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(dnsPacket.decode(buf.subarray(2)));
      }
    });
    sock.write(dnsPacket.streamEncode(packet));
  });
}

// ---- SMTP client helper -------------------------------------------------------------------------------

class SmtpClient {
  private buffered = '';
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(public socket: net.Socket) {
    this.listen();
  }

  static async connect(host: string, port = 25): Promise<SmtpClient> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SmtpClient(socket);
  }

  private listen(): void {
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('latin1');
      this.waiter?.();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    this.socket.on('error', () => undefined);
  }

  /** Next complete (possibly multi-line) reply, or null if the connection closed / nothing came in time. */
  async reply(timeoutMs = 2000): Promise<string[] | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffered.split('\r\n');
      const end = lines.findIndex((l) => /^\d{3}( |$)/.test(l));
      if (end >= 0) {
        this.buffered = lines.slice(end + 1).join('\r\n');
        return lines.slice(0, end + 1);
      }
      if (this.closed || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  async cmd(line: string): Promise<string[] | null> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  async startTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ ...options, socket: this.socket });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffered = '';
    this.listen();
    return secure;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Node types authorizationError as Error but actually stores the OpenSSL code string (e.g. 'CERT_HAS_EXPIRED'). */
function verifyCode(socket: tls.TLSSocket): string | null {
  const err = socket.authorizationError as unknown;
  if (typeof err === 'string') return err;
  return err instanceof Error ? err.message : null;
}

function code(reply: string[] | null): string | undefined {
  return reply?.[reply.length - 1]?.slice(0, 3);
}

// ---- tests -------------------------------------------------------------------------------------------------

describe('pki', () => {
  async function tlsProbe(chainPem: string, keyPem: string, ca: string[], servername: string) {
    const server = tls.createServer({ cert: chainPem, key: keyPem });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      return await new Promise<{ authorized: boolean; error: string | null }>((resolve, reject) => {
        const socket = tls.connect(
          { host: '127.0.0.1', port, ca, servername, rejectUnauthorized: false },
          () => {
            resolve({ authorized: socket.authorized, error: verifyCode(socket) });
            socket.destroy();
          },
        );
        socket.on('error', reject);
      });
    } finally {
      server.close();
    }
  }

  test('issued leaves (direct and via intermediate) are trusted; expired ones are not', async () => {
    const ca = await createTestCa();
    const leaf = await ca.issue({ commonName: 'mx.example.test', sans: ['mx.example.test'] });
    expect(await tlsProbe(leaf.fullChainPem, leaf.keyPem, [ca.certPem], 'mx.example.test')).toEqual({
      authorized: true,
      error: null,
    });
    const inter = await ca.intermediate('Test Intermediate');
    const leaf2 = await inter.issue({ commonName: 'mx2.example.test', sans: ['mx2.example.test'] });
    expect(
      (await tlsProbe(leaf2.fullChainPem, leaf2.keyPem, [ca.certPem], 'mx2.example.test')).authorized,
    ).toBe(true);
    const expired = await ca.issue({
      commonName: 'mx.example.test',
      sans: ['mx.example.test'],
      notBefore: new Date(Date.now() - 10 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    const res = await tlsProbe(expired.fullChainPem, expired.keyPem, [ca.certPem], 'mx.example.test');
    expect(res.authorized).toBe(false);
    expect(res.error).toBe('CERT_HAS_EXPIRED');
  });
});

describe('loopback', () => {
  test('allocates distinct addresses in this worker range', () => {
    const a = allocateLoopbackIp();
    const b = allocateLoopbackIp();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^127\.\d+\.\d+\.\d+$/);
  });
});

describe('dns server', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer();
    dns.add(
      { type: 'A', name: 'mx.example.test', data: '127.0.0.5' },
      { type: 'CNAME', name: 'alias.example.test', data: 'mx.example.test' },
      { type: 'TXT', name: 'big.example.test', data: ['x'.repeat(250), 'y'.repeat(250), 'z'.repeat(250)] },
      { type: 'A', name: 'secure.test', data: '127.0.0.6' },
      { type: 'A', name: 'deep.secure.test', data: '127.0.0.7' },
    );
  });
  afterAll(() => dns.close());

  test('answers, CNAME chase, NXDOMAIN, NODATA, case-insensitive names', async () => {
    const a = await udpAsk(dns, query('MX.Example.TEST', 'A'));
    expect(a?.rcode).toBe('NOERROR');
    expect(a?.flag_qr).toBe(true);
    expect(a?.flag_ra).toBe(true);
    expect(a?.answers?.map((r) => r.type === 'A' && r.data)).toEqual(['127.0.0.5']);

    const chased = await udpAsk(dns, query('alias.example.test', 'A'));
    expect(chased?.answers?.map((r) => r.type)).toEqual(['CNAME', 'A']);

    expect((await udpAsk(dns, query('nope.example.test', 'A')))?.rcode).toBe('NXDOMAIN');
    const nodata = await udpAsk(dns, query('mx.example.test', 'MX'));
    expect(nodata?.rcode).toBe('NOERROR');
    expect(nodata?.answers).toEqual([]);
    // Empty non-terminal: a name below exists, so NODATA rather than NXDOMAIN.
    expect((await udpAsk(dns, query('example.test', 'A')))?.rcode).toBe('NOERROR');
  });

  test('AD bit only when authenticated and the query asked via AD or DO; OPT echoed', async () => {
    dns.setAuthenticated('secure.test', true);
    const withDo = await udpAsk(dns, query('deep.secure.test', 'A', { dnssec: true }));
    expect(withDo?.flag_ad).toBe(true);
    expect(withDo?.additionals?.some((r) => r.type === 'OPT')).toBe(true);
    expect((await udpAsk(dns, query('secure.test', 'A', { ad: true })))?.flag_ad).toBe(true);
    expect((await udpAsk(dns, query('secure.test', 'A')))?.flag_ad).toBe(false);
    expect((await udpAsk(dns, query('mx.example.test', 'A', { dnssec: true })))?.flag_ad).toBe(false);
    dns.setAuthenticated('deep.secure.test', false);
    expect((await udpAsk(dns, query('deep.secure.test', 'A', { dnssec: true })))?.flag_ad).toBe(false);
  });

  test('truncation over UDP (forced and by size), full answer over TCP', async () => {
    dns.setTruncated('mx.example.test', true);
    const udp = await udpAsk(dns, query('mx.example.test', 'A'));
    expect(udp?.flag_tc).toBe(true);
    expect(udp?.answers).toEqual([]);
    const tcp = await tcpAsk(dns, query('mx.example.test', 'A'));
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(1);
    dns.setTruncated('mx.example.test', false);

    // 750+ bytes of TXT does not fit a plain 512-byte UDP reply.
    expect((await udpAsk(dns, query('big.example.test', 'TXT')))?.flag_tc).toBe(true);
    expect((await udpAsk(dns, query('big.example.test', 'TXT', { dnssec: true })))?.flag_tc).toBe(false);
    expect((await tcpAsk(dns, query('big.example.test', 'TXT'))).answers).toHaveLength(1);
    expect(dns.queries.filter((q) => q.name === 'mx.example.test').map((q) => q.transport)).toContain('tcp');
  });

  test('forced rcode, silence, garbage, remove', async () => {
    dns.setRcode('mx.example.test', 'SERVFAIL');
    expect((await udpAsk(dns, query('mx.example.test', 'A')))?.rcode).toBe('SERVFAIL');
    dns.setRcode('mx.example.test', null);
    dns.setSilent('mx.example.test', true);
    expect(await udpAsk(dns, query('mx.example.test', 'A'), 200)).toBeNull();
    dns.setSilent('mx.example.test', false);
    expect(await udpAsk(dns, Buffer.from('definitely not dns'), 200)).toBeNull();
    expect((await udpAsk(dns, query('mx.example.test', 'A')))?.answers).toHaveLength(1);
    dns.add({ type: 'A', name: 'gone.example.test', data: '127.0.0.9' });
    dns.remove('gone.example.test', 'A');
    expect((await udpAsk(dns, query('gone.example.test', 'A')))?.rcode).toBe('NXDOMAIN');
  });
});

describe('mail internet', () => {
  let net0: MailInternet;
  beforeAll(async () => {
    net0 = await MailInternet.start();
  });
  afterAll(() => net0.close());

  test('starttls host: full transcript, trusted cert, REQUIRETLS after TLS', async () => {
    const host = await net0.mailHost({ name: 'mx.starttls.test', requireTls: true });
    const c = await SmtpClient.connect(host.ip);
    expect(code(await c.reply())).toBe('220');
    const ehlo = await c.cmd('EHLO client.test');
    expect(ehlo).toContain('250-STARTTLS');
    expect(ehlo?.join('\n')).not.toContain('REQUIRETLS');
    expect(code(await c.cmd('STARTTLS'))).toBe('220');
    const secure = await c.startTls({ servername: 'mx.starttls.test', ca: [net0.ca.certPem] });
    expect(secure.authorized).toBe(true);
    const ehlo2 = await c.cmd('EHLO client.test');
    expect(ehlo2?.join('\n')).toContain('REQUIRETLS');
    expect(ehlo2?.join('\n')).not.toContain('STARTTLS');
    expect(code(await c.cmd('QUIT'))).toBe('221');
    c.close();
    expect(host.server.transcripts).toEqual([['EHLO client.test', 'STARTTLS', 'EHLO client.test', 'QUIT']]);
    expect(host.server.connections).toBe(1);
    // The A record was published.
    const a = await udpAsk(net0.dns, query('mx.starttls.test', 'A'));
    expect(a?.answers?.map((r) => r.type === 'A' && r.data)).toEqual([host.ip]);
  });

  test('plain, refuse-starttls, bad-greeting, silent, tls-break modes', async () => {
    const plain = await net0.mailHost({ name: 'mx.plain.test', mode: 'plain' });
    let c = await SmtpClient.connect(plain.ip);
    await c.reply();
    expect((await c.cmd('EHLO c.test'))?.join('\n')).not.toContain('STARTTLS');
    expect(code(await c.cmd('STARTTLS'))).toBe('502');
    expect(code(await c.cmd('WHATEVER'))).toBe('500');
    c.close();

    const refuse = await net0.mailHost({ name: 'mx.refuse.test', mode: 'refuse-starttls' });
    c = await SmtpClient.connect(refuse.ip);
    await c.reply();
    expect(await c.cmd('EHLO c.test')).toContain('250-STARTTLS');
    expect(await c.cmd('STARTTLS')).toEqual(['454 4.7.0 TLS not available']);
    c.close();

    const bad = await net0.mailHost({ name: 'mx.bad.test', mode: 'bad-greeting' });
    c = await SmtpClient.connect(bad.ip);
    expect(code(await c.reply())).toBe('554');
    expect(code(await c.cmd('QUIT'))).toBe('221');
    c.close();

    const silent = await net0.mailHost({ name: 'mx.silent.test', mode: 'silent' });
    c = await SmtpClient.connect(silent.ip);
    expect(await c.reply(200)).toBeNull();
    expect(silent.server.connections).toBe(1);
    c.close();

    const broken = await net0.mailHost({ name: 'mx.break.test', mode: 'tls-break' });
    c = await SmtpClient.connect(broken.ip);
    await c.reply();
    await c.cmd('EHLO c.test');
    expect(code(await c.cmd('STARTTLS'))).toBe('220');
    await expect(c.startTls({ servername: 'mx.break.test', ca: [net0.ca.certPem] })).rejects.toThrow();
    c.close();

    const noCert = await net0.mailHost({ name: 'mx.nocert.test', cert: 'none' });
    c = await SmtpClient.connect(noCert.ip);
    await c.reply();
    await c.cmd('EHLO c.test');
    expect(code(await c.cmd('STARTTLS'))).toBe('454');
    c.close();
  });

  test('certificate kinds give the expected verification errors', async () => {
    const cases = [
      ['expired', 'CERT_HAS_EXPIRED'],
      ['self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
      ['misnamed', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ] as const;
    for (const [kind, expected] of cases) {
      const name = `mx.${kind}.test`;
      const host = await net0.mailHost({ name, cert: kind });
      const c = await SmtpClient.connect(host.ip);
      await c.reply();
      await c.cmd('EHLO c.test');
      await c.cmd('STARTTLS');
      const secure = await c.startTls({ servername: name, ca: [net0.ca.certPem], rejectUnauthorized: false });
      expect(secure.authorized).toBe(false);
      expect(verifyCode(secure)).toBe(expected);
      c.close();
    }
  });

  test('TLS 1.0-only host negotiates TLSv1 with a permissive client', async () => {
    const host = await net0.mailHost({ name: 'mx.old.test', tls10Only: true });
    const c = await SmtpClient.connect(host.ip);
    await c.reply();
    await c.cmd('EHLO c.test');
    await c.cmd('STARTTLS');
    const secure = await c.startTls({
      servername: 'mx.old.test',
      ca: [net0.ca.certPem],
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    expect(secure.getProtocol()).toBe('TLSv1');
    expect(secure.authorized).toBe(true);
    c.close();
  });

  test('MX, TXT and TLSA records', async () => {
    const host = await net0.mailHost({ name: 'mx1.records.test' });
    net0.mx('records.test', [[10, 'mx1.records.test']]);
    net0.mx('nullmx.test', [[0, '.']]);
    net0.txt('records.test', 'v=spf1 ', '-all');
    net0.tlsa('mx1.records.test', [net0.tlsaFor(host, 3, 1, 1), net0.tlsaFor(host, 2, 0, 2)]);

    const mx = await udpAsk(net0.dns, query('records.test', 'MX'));
    expect(mx?.answers?.map((r) => r.type === 'MX' && r.data)).toEqual([
      { preference: 10, exchange: 'mx1.records.test' },
    ]);
    const nullMx = await udpAsk(net0.dns, query('nullmx.test', 'MX'));
    expect(nullMx?.answers?.map((r) => r.type === 'MX' && r.data.exchange)).toEqual(['.']);
    const txt = await udpAsk(net0.dns, query('records.test', 'TXT'));
    expect(txt?.answers?.map((r) => r.type === 'TXT' && r.data)).toEqual([
      [Buffer.from('v=spf1 '), Buffer.from('-all')],
    ]);
    const tlsa = await tcpAsk(net0.dns, query('_25._tcp.mx1.records.test', 'TLSA'));
    const records = tlsa.answers?.flatMap((r) => (r.type === 'TLSA' ? [r.data] : []));
    expect(records?.map((d) => [d.usage, d.selector, d.matchingType, d.certificate.length])).toEqual([
      [3, 1, 1, 32],
      [2, 0, 2, 64],
    ]);
  });

  test('MTA-STS host: policy, 404, streamed body, TXT record', async () => {
    const policy = 'version: STSv1\nmode: enforce\nmx: mx1.sts.test\nmax_age: 86400\n';
    const host = await net0.mtaSts('sts.test', { id: 'abc123', policy });
    host.setRoute('/big', { bodyBytes: 100_000 });
    const get = (path: string) =>
      new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
        const req = https.get(
          { host: host.host, port: host.port, path, servername: 'mta-sts.sts.test', ca: [net0.ca.certPem] },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers });
            });
          },
        );
        req.on('error', reject);
      });
    const ok = await get(MTA_STS_PATH);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe(policy);
    expect(ok.headers['content-type']).toBe('text/plain');
    expect((await get('/nope')).status).toBe(404);
    const big = await get('/big');
    expect(big.body.length).toBe(100_000);
    expect(big.headers['content-length']).toBeUndefined();
    expect(big.headers['transfer-encoding']).toBe('chunked');
    expect(host.requests).toEqual([MTA_STS_PATH, '/nope', '/big']);

    const txt = await udpAsk(net0.dns, query('_mta-sts.sts.test', 'TXT'));
    expect(txt?.answers?.map((r) => r.type === 'TXT' && String(r.data))).toEqual(['v=STSv1; id=abc123']);
    expect(net0.probeOptions).toEqual({
      dnsServers: [net0.dns.address],
      allowPrivateNetworks: true,
      extraCa: [net0.ca.certPem],
      timeoutMs: 3000,
    });
  });

  test('greeting delay, DATA, and prompt close of hanging HTTPS requests', async () => {
    const ip = allocateLoopbackIp();
    const slow = await startSmtpServer({ host: ip, port: 0, mode: 'plain', greetingDelayMs: 150 });
    const c = await SmtpClient.connect(ip, slow.port);
    expect(await c.reply(50)).toBeNull();
    expect(code(await c.reply())).toBe('220');
    await c.cmd('HELO c.test');
    expect(code(await c.cmd('MAIL FROM:<a@a.test>'))).toBe('250');
    expect(code(await c.cmd('RCPT TO:<b@b.test>'))).toBe('250');
    expect(code(await c.cmd('DATA'))).toBe('354');
    expect(code(await c.cmd('Subject: x\r\n\r\nbody\r\n.'))).toBe('250');
    expect(slow.transcripts[0]).toEqual([
      'HELO c.test',
      'MAIL FROM:<a@a.test>',
      'RCPT TO:<b@b.test>',
      'DATA',
    ]);
    c.close();
    await slow.close();

    const host = await net0.mtaSts('hang.test', { policy: { hang: true } });
    const pending = new Promise<string>((resolve) => {
      const req = https.get(
        {
          host: host.host,
          port: host.port,
          path: MTA_STS_PATH,
          servername: 'mta-sts.hang.test',
          ca: [net0.ca.certPem],
        },
        () => {
          resolve('response');
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        resolve(err.code ?? 'error');
      });
    });
    while (host.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await host.close();
    expect(await pending).toBe('ECONNRESET');
    expect(Date.now() - t0).toBeLessThan(500);
  });

  test('a standalone SMTP server on a random port closes promptly with open connections', async () => {
    const ip = allocateLoopbackIp();
    const server = await startSmtpServer({ host: ip, port: 0, mode: 'silent' });
    const c = await SmtpClient.connect(ip, server.port);
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(500);
    c.close();
  });
});
