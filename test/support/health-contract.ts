/**
 * The store contract for forced-TLS health and the alert outbox (src/server/store/health-store.ts), run by
 * test/server/store-contract.test.ts on SQLite and PostgreSQL. The atomic parts (one transition however
 * many instances record it, one claimant per alert) are raced.
 */
import type { DeliveryState, DeliveryVerdict } from '../../src/core/delivery';
import {
  REMINDER_MS,
  SAMPLE_SPACING_MS,
  type HealthEvent,
  type HealthStore,
  type NewAlert,
} from '../../src/server/store/health-store';
import { openStore } from '../../src/server/store/open';
import type { Store } from '../../src/server/store/store';
import type { PostgresCluster } from './postgres';
import { DAY, freshTarget, T, type Dialect } from './stores';

const HOUR = 3_600_000;

export function verdict(state: DeliveryState, host = 'mx.partner.example'): DeliveryVerdict {
  const problems =
    state === 'ok' ? [] : state === 'failing' ? ['NO_STARTTLS' as const] : ['LEGACY_TLS_ONLY' as const];
  return {
    level: 'encryption-only',
    tlsDomain: null,
    state,
    mx: [
      { host, preference: 10, accepted: state !== 'failing', problems, certNames: [host], notAfter: null },
    ],
    soonestExpiry: null,
    reasons: problems.map((code) => ({ code, host })),
  };
}

/** Two alerts per event, as with both channels set; the payload says which event made it. */
const bothChannels = (event: HealthEvent): NewAlert[] => [
  { channel: 'email', payload: { event } },
  { channel: 'webhook', payload: { event } },
];

export function healthStoreContract(
  dialect: Dialect,
  cluster: () => PostgresCluster,
  current: () => Store,
): void {
  let health: HealthStore;
  beforeEach(() => {
    health = current().health!;
  });
  const record = (domain: string, at: number, state: DeliveryState) =>
    health.recordCheck({ domain, at, verdict: verdict(state) }, bothChannels);
  const queued = async () => (await health.claimAlerts(T + 1000 * DAY, 60_000, 100)).map((a) => a.payload);

  it('records checks, tells a change from what the admin was last told, and keeps when a state began', async () => {
    const first = await record('ok.example', T, 'ok');
    expect(first).toMatchObject({
      previous: null,
      event: null,
      current: { state: 'ok', since: T, alertedState: null },
    });
    expect(await record('ok.example', T + HOUR, 'ok')).toMatchObject({
      previous: { state: 'ok', checkedAt: T },
      event: null,
      current: { since: T, checkedAt: T + HOUR },
    });
    // A first check that finds trouble is news: the admin assumed ok.
    expect((await record('bad.example', T, 'failing')).event).toEqual({
      kind: 'changed',
      from: 'ok',
      to: 'failing',
    });
    expect((await record('bad.example', T + HOUR, 'failing')).event).toBeNull();
    expect((await record('bad.example', T + 2 * HOUR, 'at-risk')).event).toEqual({
      kind: 'changed',
      from: 'failing',
      to: 'at-risk',
    });
    const back = await record('bad.example', T + 3 * HOUR, 'ok');
    expect(back.event).toEqual({ kind: 'changed', from: 'at-risk', to: 'ok' });
    expect(back.current).toMatchObject({
      state: 'ok',
      since: T + 3 * HOUR,
      alertedState: 'ok',
      alertedAt: T + 3 * HOUR,
    });
    expect((await health.list()).map((r) => [r.domain, r.state, r.checkedAt])).toEqual([
      ['bad.example', 'ok', T + 3 * HOUR],
      ['ok.example', 'ok', T + HOUR],
    ]);
    expect((await health.list())[0]?.verdict).toEqual(verdict('ok'));
    // Each event queued one alert per channel, in order.
    const kinds = (await queued()).map((p) => (p as { event: HealthEvent }).event.to);
    expect(kinds).toEqual(['failing', 'failing', 'at-risk', 'at-risk', 'ok', 'ok']);
  });

  it('reminds once a day while a domain stays not-ok, and never while ok', async () => {
    await record('d.example', T, 'failing');
    expect((await record('d.example', T + REMINDER_MS - 1, 'failing')).event).toBeNull();
    expect((await record('d.example', T + REMINDER_MS, 'failing')).event).toEqual({
      kind: 'reminder',
      from: 'failing',
      to: 'failing',
    });
    expect((await record('d.example', T + REMINDER_MS + HOUR, 'failing')).event).toBeNull();
    expect((await record('d.example', T + 2 * REMINDER_MS, 'failing')).event?.kind).toBe('reminder');
    expect((await record('d.example', T + 5 * REMINDER_MS, 'ok')).event?.kind).toBe('changed');
    expect((await record('d.example', T + 7 * REMINDER_MS, 'ok')).event).toBeNull();
  });

  it('tells one change once however many instances record it at the same time', async () => {
    const events = async (domain: string, at: number) =>
      (await Promise.all(Array.from({ length: 4 }, () => record(domain, at, 'failing')))).filter(
        (r) => r.event,
      );
    // On a domain with no record yet, and on one that was ok.
    expect(await events('first.example', T)).toHaveLength(1);
    await record('was-ok.example', T, 'ok');
    expect(await events('was-ok.example', T + HOUR)).toHaveLength(1);
    expect(await queued()).toHaveLength(4);
  });

  it('keeps a check older than the recorded one as history only', async () => {
    await record('late.example', T + HOUR, 'ok');
    const late = await record('late.example', T, 'failing');
    expect(late.event).toBeNull();
    expect(late.current).toMatchObject({ state: 'ok', checkedAt: T + HOUR });
    expect((await health.samples(0)).map((s) => [s.at, s.state])).toEqual([
      [T, 'failing'],
      [T + HOUR, 'ok'],
    ]);
  });

  it('keeps samples of changes and at most one an hour of the same, and prunes them', async () => {
    await record('s.example', T, 'ok');
    await record('s.example', T + 1000, 'ok');
    await record('s.example', T + 2000, 'failing');
    await record('s.example', T + 2000 + SAMPLE_SPACING_MS, 'failing');
    await record('other.example', T + 5000, 'at-risk');
    expect((await health.samples(0, ['s.example'])).map((s) => [s.at, s.state])).toEqual([
      [T, 'ok'],
      [T + 2000, 'failing'],
      [T + 2000 + SAMPLE_SPACING_MS, 'failing'],
    ]);
    expect(await health.samples(T + 3000)).toEqual([
      { domain: 'other.example', at: T + 5000, state: 'at-risk', reasons: verdict('at-risk').reasons },
      {
        domain: 's.example',
        at: T + 2000 + SAMPLE_SPACING_MS,
        state: 'failing',
        reasons: verdict('failing').reasons,
      },
    ]);
    expect(await health.samples(0, [])).toEqual([]);
    await health.prune(T + 3000);
    expect((await health.samples(0)).map((s) => s.at)).toEqual([T + 5000, T + 2000 + SAMPLE_SPACING_MS]);
    // A domain no longer checked goes once its last check is older than the cut.
    expect((await health.list()).map((r) => r.domain)).toEqual(['other.example', 's.example']);
    await health.prune(T + 4 * HOUR);
    expect(await health.list()).toEqual([]);
  });

  it('hands each due alert to one claimant for its lease, and retries, sends or gives up', async () => {
    await health.enqueueAlerts(
      [
        { channel: 'email', payload: { n: 1 } },
        { channel: 'webhook', payload: { n: 2 } },
      ],
      T,
    );
    await health.enqueueAlerts([{ channel: 'webhook', payload: { n: 3 } }], T + 10);
    expect(await health.claimAlerts(T - 1, 1000, 10)).toEqual([]);
    const [a, b, c] = await Promise.all([
      health.claimAlerts(T + 10, 1000, 10),
      health.claimAlerts(T + 10, 1000, 10),
      health.claimAlerts(T + 10, 1000, 10),
    ]);
    const claimed = [...a, ...b, ...c].sort((x, y) => x.id - y.id);
    expect(claimed.map((alert) => [alert.channel, alert.payload, alert.attempts, alert.createdAt])).toEqual([
      ['email', { n: 1 }, 1, T],
      ['webhook', { n: 2 }, 1, T],
      ['webhook', { n: 3 }, 1, T + 10],
    ]);
    // Held for the lease; then due again, as one that was being sent when its instance died.
    expect(await health.claimAlerts(T + 1009, 1000, 10)).toEqual([]);
    const [first, second, third] = claimed;
    await health.alertSent(first!.id, T + 20);
    await health.alertFailed(second!.id, 'HTTP 500', T + 5000);
    await health.alertFailed(third!.id, 'gave up', null);
    expect(await health.claimAlerts(T + 4999, 1000, 10)).toEqual([]);
    const retried = await health.claimAlerts(T + 5000, 1000, 10);
    expect(retried.map((alert) => [alert.id, alert.attempts])).toEqual([[second!.id, 2]]);
    expect(await health.claimAlerts(T + 10 * DAY, 1000, 10)).toEqual([{ ...retried[0], attempts: 3 }]);
    expect(await health.claimAlerts(T + 10 * DAY, 1000, 1)).toEqual([]);
  });

  it('keeps queued alerts when the store is closed and opened again', async () => {
    const target = await freshTarget(dialect, cluster);
    const before = await openStore(target);
    await before.health!.recordCheck(
      { domain: 'p.example', at: T, verdict: verdict('failing') },
      bothChannels,
    );
    await before.close();
    const after = await openStore(target);
    try {
      const due = await after.health!.claimAlerts(T, 1000, 10);
      expect(due.map((alert) => alert.channel)).toEqual(['email', 'webhook']);
      expect(await after.health!.list()).toMatchObject([
        { domain: 'p.example', state: 'failing', alertedState: 'failing' },
      ]);
    } finally {
      await after.close();
    }
  });
}
