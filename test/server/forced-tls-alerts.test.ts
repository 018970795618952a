/**
 * The alert sender's rules on their own: the retry schedule, what counts as a delivered webhook POST (a
 * real loopback server answering 2xx, a redirect, or nothing), and the timeline the health API keeps.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GIVE_UP_AFTER_MS, postJson, retryAt } from '../../src/server/forced-tls/alerts';
import { timeline } from '../../src/server/forced-tls/health-view';
import type { HealthSample } from '../../src/server/store/health-store';

const T = 1_750_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('retryAt', () => {
  it('backs off 30 s, 2 min, 10 min, 1 h, then every 6 h, and gives up after 3 days', () => {
    expect([1, 2, 3, 4, 5, 9].map((attempts) => (retryAt(attempts, T, T) ?? 0) - T)).toEqual([
      30_000,
      2 * MIN,
      10 * MIN,
      HOUR,
      6 * HOUR,
      6 * HOUR,
    ]);
    expect(retryAt(12, T, T + GIVE_UP_AFTER_MS - 6 * HOUR)).toBe(T + GIVE_UP_AFTER_MS);
    expect(retryAt(13, T, T + GIVE_UP_AFTER_MS - 6 * HOUR + 1)).toBeNull();
  });
});

describe('postJson', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''} ${request.headers['content-type'] ?? ''}`);
      if (request.url === '/ok') response.writeHead(204).end();
      else if (request.url === '/moved') response.writeHead(302, { location: '/ok' }).end();
      else if (request.url === '/big') response.writeHead(200).end('x'.repeat(1024 * 1024));
      // '/silent': never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is delivered on 2xx, whatever the body', async () => {
    await expect(postJson(`${url}/ok`, { text: 'hi' })).resolves.toBeUndefined();
    await expect(postJson(`${url}/big`, { text: 'hi' })).resolves.toBeUndefined();
    expect(seen[0]).toMatch(/^POST \/ok application\/json/);
  });

  it('does not follow a redirect, and gives up on a server that does not answer', async () => {
    const before = seen.length;
    await expect(postJson(`${url}/moved`, {})).rejects.toThrow('HTTP 302 (redirects are not followed)');
    expect(seen.slice(before)).toHaveLength(1);
    const started = Date.now();
    await expect(postJson(`${url}/silent`, {}, 200)).rejects.toThrow('no answer within');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('timeline', () => {
  const sample = (at: number, state: HealthSample['state']): HealthSample => ({
    domain: 'p.example',
    at,
    state,
    reasons: state === 'ok' ? [] : [{ code: 'NO_STARTTLS', host: 'mx.p.example' }],
  });

  it('keeps each change and the first check of every day', () => {
    const day = 24 * HOUR;
    const samples = [
      sample(T, 'ok'),
      sample(T + HOUR, 'ok'),
      sample(T + 2 * HOUR, 'failing'),
      sample(T + 3 * HOUR, 'failing'),
      sample(T + 3 * HOUR + day, 'failing'),
      sample(T + 4 * HOUR + day, 'failing'),
      sample(T + 5 * HOUR + day, 'ok'),
    ];
    expect(timeline(samples).map((s) => [Date.parse(s.at) - T, s.state])).toEqual([
      [0, 'ok'],
      [2 * HOUR, 'failing'],
      [3 * HOUR + day, 'failing'],
      [5 * HOUR + day, 'ok'],
    ]);
  });
});
