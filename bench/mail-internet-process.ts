/**
 * The loopback mail internet for benchmarks, in its own process: the servers' TLS work must not share a
 * thread with the checker being measured, just as the real internet doesn't.
 */
import { MailInternet } from '../test/support/mail-internet';

export interface BenchScenario {
  one: { domain: string; mx: Array<{ name: string; ip: string }> };
  batch: string[];
}

export interface BenchWorld {
  dnsAddress: string;
  caPem: string;
  /** Servers answer at once: every millisecond is CPU. */
  loopback: BenchScenario;
  /** Every SMTP server waits before its greeting, as servers on the internet do (RTT, greet pause). */
  latency: BenchScenario;
  latencyMs: number;
}

async function scenario(
  net: MailInternet,
  prefix: string,
  batchSize: number,
  greetingDelayMs: number,
): Promise<BenchScenario> {
  const delay = greetingDelayMs > 0 ? { greetingDelayMs } : {};
  // One domain with two MX hosts, an MTA-STS policy and DANE, as a well-run domain has.
  const domain = `${prefix}-one.test`;
  const mx1 = await net.mailHost({ name: `mx1.${domain}`, ...delay });
  const mx2 = await net.mailHost({ name: `mx2.${domain}`, ...delay });
  net.mx(domain, [
    [10, mx1.name],
    [20, mx2.name],
  ]);
  await net.mtaSts(domain, { policy: `version: STSv1\nmode: enforce\nmx: *.${domain}\nmax_age: 86400\n` });
  net.tlsa(mx1.name, [net.tlsaFor(mx1, 3, 1, 1)]);
  net.tlsa(mx2.name, [net.tlsaFor(mx2, 3, 1, 1)]);
  net.dns.setAuthenticated(domain, true);

  const batch: string[] = [];
  for (let i = 0; i < batchSize; i++) {
    const name = `${prefix}-${i}.test`;
    const a = await net.mailHost({ name: `mx1.${name}`, ...delay });
    const b = await net.mailHost({ name: `mx2.${name}`, ...delay });
    net.mx(name, [
      [10, a.name],
      [20, b.name],
    ]);
    batch.push(name);
  }
  return { one: { domain, mx: [mx1, mx2].map((host) => ({ name: host.name, ip: host.ip })) }, batch };
}

async function build(
  batchSize: number,
  latencyMs: number,
): Promise<{ net: MailInternet; world: BenchWorld }> {
  const net = await MailInternet.start();
  const loopback = await scenario(net, 'fast', batchSize, 0);
  const latency = await scenario(net, 'slow', batchSize, latencyMs);
  return {
    net,
    world: { dnsAddress: net.dns.address, caPem: net.ca.certPem, loopback, latency, latencyMs },
  };
}

if (require.main === module && process.send) {
  const send = process.send.bind(process);
  build(Number(process.env.BENCH_BATCH_SIZE ?? 50), Number(process.env.BENCH_LATENCY_MS ?? 200))
    .then(({ net, world }) => {
      send(world);
      process.on('disconnect', () => {
        void net.close().then(() => process.exit(0));
      });
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
