import dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { answersOfType, createDnsClient, DnsError, parseDnsServer } from '../../src/probe/dns';
import { startDnsServer, type TestDnsServer } from '../support/dns-server';

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer();
  server.add(
    { type: 'MX', name: 'dns.test', ttl: 60, data: { preference: 10, exchange: 'mx.dns.test' } },
    { type: 'A', name: 'mx.dns.test', ttl: 60, data: '127.0.0.9' },
    {
      type: 'TLSA',
      name: '_25._tcp.mx.dns.test',
      ttl: 60,
      data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 1) },
    },
  );
});
afterAll(async () => {
  await server.close();
});

describe('parseDnsServer', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:8053', { host: '127.0.0.1', port: 8053 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
  ])('parses %s', (spec, expected) => {
    expect(parseDnsServer(spec)).toEqual(expected);
  });

  it.each(['resolver.example', '127.0.0.1:0', '127.0.0.1:70000', '1.2.3.4:53:1', ''])(
    'refuses %s',
    (spec) => {
      expect(() => parseDnsServer(spec)).toThrow();
    },
  );
});

describe('DNS client', () => {
  it('reads MX, A and TLSA answers', async () => {
    const client = createDnsClient({ servers: [server.address] });
    const mx = await client.query('dns.test', 'MX');
    expect(mx.rcode).toBe('NOERROR');
    expect(answersOfType(mx, 'MX').map((answer) => answer.data.exchange)).toEqual(['mx.dns.test']);
    const tlsa = await client.query('_25._tcp.mx.dns.test', 'TLSA');
    expect(answersOfType(tlsa, 'TLSA')[0]?.data).toMatchObject({ usage: 3, selector: 1, matchingType: 1 });
  });

  it('reports the AD bit only when the resolver sets it', async () => {
    const client = createDnsClient({ servers: [server.address] });
    expect((await client.query('mx.dns.test', 'A')).authenticated).toBe(false);
    server.setAuthenticated('dns.test', true);
    expect((await client.query('mx.dns.test', 'A')).authenticated).toBe(true);
    server.setAuthenticated('dns.test', false);
  });

  it('tells NXDOMAIN from NODATA', async () => {
    const client = createDnsClient({ servers: [server.address] });
    expect((await client.query('nothing.dns.test', 'A')).rcode).toBe('NXDOMAIN');
    const nodata = await client.query('dns.test', 'A');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    server.setTruncated('dns.test', true);
    const client = createDnsClient({ servers: [server.address] });
    const response = await client.query('dns.test', 'MX');
    expect(answersOfType(response, 'MX')).toHaveLength(1);
    expect(
      server.queries.filter((query) => query.name === 'dns.test').map((query) => query.transport),
    ).toContain('tcp');
    server.setTruncated('dns.test', false);
  });

  it('times out on a silent resolver, trying the next server first', async () => {
    server.setSilent('silent.dns.test', true);
    const client = createDnsClient({ servers: [server.address], attemptTimeoutMs: 100 });
    const started = Date.now();
    await expect(client.query('silent.dns.test', 'A')).rejects.toMatchObject({ code: 'DNS_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1000);

    const fallback = createDnsClient({ servers: ['127.0.0.1:9', server.address], attemptTimeoutMs: 200 });
    expect((await fallback.query('mx.dns.test', 'A')).rcode).toBe('NOERROR');
  });

  it('stops at once when the caller aborts', async () => {
    const client = createDnsClient({ servers: [server.address], attemptTimeoutMs: 5000 });
    const controller = new AbortController();
    const pending = client.query('silent.dns.test', 'A', controller.signal);
    setTimeout(() => {
      controller.abort();
    }, 50);
    await expect(pending).rejects.toBeInstanceOf(DnsError);
    await expect(pending).rejects.toMatchObject({ code: 'DNS_ABORTED' });
  });

  it('ignores answers whose id or question do not match (spoofing)', async () => {
    // A fake resolver that first sends a forged answer with a wrong id, then the real one.
    const fake = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => fake.bind(0, '127.0.0.1', resolve));
    const seen: dnsPacket.DecodedPacket[] = [];
    fake.on('message', (message, remote) => {
      const query = dnsPacket.decode(message);
      seen.push(query);
      const answer = (id: number, address: string) =>
        dnsPacket.encode({
          type: 'response',
          id,
          flags: dnsPacket.RECURSION_AVAILABLE,
          questions: query.questions ?? [],
          answers: [{ type: 'A', name: 'spoof.test', ttl: 1, data: address }],
        });
      fake.send(answer(((query.id ?? 0) + 1) % 65536, '6.6.6.6'), remote.port, remote.address);
      setTimeout(() => {
        fake.send(answer(query.id ?? 0, '127.0.0.7'), remote.port, remote.address);
      }, 20);
    });
    const client = createDnsClient({ servers: [`127.0.0.1:${fake.address().port}`] });
    const response = await client.query('spoof.test', 'A');
    expect(answersOfType(response, 'A').map((answer) => answer.data)).toEqual(['127.0.0.7']);
    // The query asked for recursion and DNSSEC validation (RD, AD, and DO in EDNS).
    expect(seen[0]).toMatchObject({ flag_rd: true, flag_ad: true });
    expect(seen[0]?.additionals?.find((record) => record.type === 'OPT')).toMatchObject({ flag_do: true });
    fake.close();
  });
});
