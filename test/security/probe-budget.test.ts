import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DomainReport } from '../../src/core/report';
import { buildApp } from '../../src/server/app';
import { testConfig, type Config } from '../../src/server/config';
import { createLookupService, probeWith } from '../../src/server/lookup';
import { createProbeQueue } from '../../src/server/probe-queue';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { startDnsServer } from '../support/dns-server';
import { reportFor } from '../support/reports';

/**
 * Finding 4: one request could start a hundred probes and nothing capped probes overall, so the server
 * could be rented out as a scanner. Every uncached domain is charged to the caller, and one bounded
 * queue per instance holds the rest.
 */

/** A probe result stamped now: the shared fixtures carry a fixed date, long expired. */
const enforced = (domain: string): DomainReport => ({
  ...reportFor(domain, 'enforced'),
  checkedAt: new Date().toISOString(),
});

const names = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}.example`);

function lookup(app: FastifyInstance, domains: string[], remoteAddress = '127.0.0.1') {
  return app.inject({ method: 'POST', url: '/api/v1/domains/lookup', payload: { domains }, remoteAddress });
}

const errorCode = (response: { json: () => unknown }): string =>
  (response.json() as { error: { code: string } }).error.code;

/** A probe that waits to be released, counting how many run at once. */
function blockingProbe() {
  let running = 0;
  let maxRunning = 0;
  let started = 0;
  let opened = false;
  const waiting: Array<() => void> = [];
  return {
    probe: async (domain: string): Promise<DomainReport> => {
      started++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (!opened) await new Promise<void>((resolve) => waiting.push(resolve));
      running--;
      return enforced(domain);
    },
    releaseAll: () => {
      for (const release of waiting.splice(0)) release();
    },
    /** Lets everything through from now on (teardown). */
    open: () => {
      opened = true;
      for (const release of waiting.splice(0)) release();
    },
    get started() {
      return started;
    },
    get maxRunning() {
      return maxRunning;
    },
    running: () => running,
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

async function appWith(probes: Partial<Config['probes']>, deps: Parameters<typeof buildApp>[1] = {}) {
  return buildApp(
    testConfig({
      rateLimit: { perMinute: 10_000, freshPerMinute: 10_000 },
      probes: { perMinute: 300, concurrency: 16, queueLimit: 200, ...probes },
    }),
    deps,
  );
}

describe('probes per caller', () => {
  let app: FastifyInstance;
  let probed = 0;
  beforeAll(async () => {
    app = await appWith(
      { perMinute: 150 },
      {
        probe: (domain) => {
          probed++;
          return Promise.resolve(enforced(domain));
        },
      },
    );
  });
  afterAll(() => app.close());

  it('counts one request with 100 uncached names as 100 probes', async () => {
    expect((await lookup(app, names('first', 100))).statusCode).toBe(200);
    expect(probed).toBe(100);

    const refused = await lookup(app, names('second', 100));
    expect(refused.statusCode).toBe(429);
    expect(errorCode(refused)).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Refused whole, before anything started.
    expect(probed).toBe(100);
  });

  it('counts uncached names without ?fresh=1, and duplicates once', async () => {
    const refused = await lookup(app, [...names('third', 60), ...names('third', 40)]);
    expect(refused.statusCode).toBe(429);
    expect(probed).toBe(100);
  });

  it('still serves cached answers, and single lookups while budget lasts', async () => {
    const cached = await lookup(app, names('first', 100));
    expect(cached.statusCode).toBe(200);
    expect(cached.json<{ reports: Array<{ cached: boolean }> }>().reports.every((r) => r.cached)).toBe(true);
    const one = await app.inject({ method: 'GET', url: '/api/v1/domains/single.example' });
    expect(one.statusCode).toBe(200);
    expect(probed).toBe(101);
  });

  it('charges each caller separately', async () => {
    expect((await lookup(app, names('other-caller', 100), '192.0.2.7')).statusCode).toBe(200);
    expect(probed).toBe(201);
  });
});

describe('the probe queue', () => {
  it('caps probes running at once, answers 503 BUSY when the queue is full, and shows it in /readyz', async () => {
    const blocking = blockingProbe();
    const app = await appWith({ concurrency: 3, queueLimit: 20 }, { probe: blocking.probe });
    try {
      const first = lookup(app, names('queued', 10));
      await until(() => blocking.running() === 3);
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.json()).toEqual({
        status: 'ready',
        database: 'sqlite',
        probes: { running: 3, queued: 7, capacity: 3, queueLimit: 20 },
      });

      // 3 running + 7 waiting + 14 more would wait 21 > 20: refused whole, from another caller too.
      const busy = await lookup(app, names('overflow', 14), '198.51.100.1');
      expect(busy.statusCode).toBe(503);
      expect(errorCode(busy)).toBe('BUSY');
      expect(busy.headers['retry-after']).toBe('10');
      expect(blocking.started).toBe(3);

      // Cached and in-flight answers need no room.
      const joining = lookup(app, names('queued', 10), '198.51.100.2');
      for (let round = 0; round < 20 && blocking.started < 10; round++) {
        blocking.releaseAll();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      blocking.releaseAll();
      expect((await first).statusCode).toBe(200);
      expect((await joining).statusCode).toBe(200);
      expect(blocking.started).toBe(10);
      expect(blocking.maxRunning).toBe(3);
    } finally {
      blocking.open();
      await app.close();
    }
  });

  it('logs the queue while it is busy', async () => {
    const blocking = blockingProbe();
    const lines: string[] = [];
    const app = await buildApp(testConfig({ logLevel: 'info' }), {
      probe: blocking.probe,
      logStream: { write: (line: string) => lines.push(line) },
      probeQueueLogMs: 20,
    });
    try {
      const pending = lookup(app, ['logged.example']);
      await until(() => lines.some((line) => line.includes('"probeQueue"')));
      const line = JSON.parse(lines.find((l) => l.includes('"probeQueue"')) ?? '{}') as {
        msg?: string;
        probeQueue?: Record<string, number>;
      };
      expect(line.msg).toBe('probe queue');
      expect(line.probeQueue).toMatchObject({ running: 1, queued: 0, capacity: 16, queueLimit: 200 });
      blocking.releaseAll();
      expect((await pending).statusCode).toBe(200);
    } finally {
      blocking.open();
      await app.close();
    }
  });

  it('drops background refreshes rather than fill the queue past half', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tlsgate-budget-')), 'cache.db'));
    const blocking = blockingProbe();
    const service = createLookupService({
      store,
      now: () => clock,
      forcedTlsDomains: () => Promise.resolve([]),
      queue: createProbeQueue(1, 4),
      probe: async (domain) => ({
        ...(await blocking.probe(domain)),
        checkedAt: new Date(clock).toISOString(),
      }),
    });
    try {
      const warm = service.lookup(['stale-a.example', 'stale-b.example'], false);
      await until(() => blocking.started === 1);
      blocking.releaseAll();
      await until(() => blocking.started === 2);
      blocking.releaseAll();
      await warm;
      clock += 2 * 24 * 3600 * 1000; // past the 24 h lifetime, within the stale window

      // 1 running + 2 waiting: the waiting room (4) is half full.
      const busy = service.lookup(['cold-1.example', 'cold-2.example', 'cold-3.example'], false);
      await until(() => blocking.started === 3);
      const [stale] = await service.lookup(['stale-a.example'], false);
      expect(JSON.parse(stale?.json ?? '{}')).toMatchObject({ cached: true, stale: true });
      expect(service.queue()).toMatchObject({ running: 1, queued: 2 });
      expect(service.probes).toBe(5);

      for (let round = 0; round < 20 && blocking.started < 5; round++) {
        blocking.releaseAll();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      blocking.releaseAll();
      await busy;
      // With the queue idle the next stale answer is refreshed again.
      await service.lookup(['stale-b.example'], false);
      expect(service.probes).toBe(6);
      await until(() => blocking.started === 6);
      blocking.releaseAll();
      await service.idle();
    } finally {
      blocking.open();
      await service.idle();
      await store.close();
    }
  });
});

describe('the DNS client', () => {
  it('is shared by every probe, so its cap on queries in flight holds across checks', async () => {
    const dns = await startDnsServer();
    const domains = names('silent', 20);
    for (const domain of domains)
      for (const name of [domain, `_mta-sts.${domain}`, `_smtp._tls.${domain}`]) dns.setSilent(name, true);
    const probe = probeWith({ dnsServers: [dns.address], timeoutMs: 1500 });
    try {
      const checks = Promise.all(domains.map((domain) => probe(domain)));
      await new Promise((resolve) => setTimeout(resolve, 250));
      // 20 checks ask 3 questions each at once; one shared client lets 32 out (separate ones: 60).
      expect(dns.queries.length).toBe(32);
      expect((await checks).every((report) => report.status === 'unknown')).toBe(true);
    } finally {
      await dns.close();
    }
  });
});
