import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForcedTlsEntry } from '../../src/core/policy';
import type { DomainReport } from '../../src/core/report';
import { checkDomain } from '../../src/probe/check';
import { createLookupService, STALE_WINDOW_MS, type RenderedReport } from '../../src/server/lookup';
import { withReportCache } from '../../src/server/store/report-cache';
import { openSqliteStore } from '../../src/server/store/sqlite';
import type { Store } from '../../src/server/store/store';
import { MailInternet } from '../support/mail-internet';

/** Cache lifetimes and stale-while-revalidate, with a controllable clock over a real SQLite file. */

let net: MailInternet;
let store: Store;
let clock = Date.now();
const probed: string[] = [];

beforeAll(async () => {
  net = await MailInternet.start();
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tlsgate-lookup-')), 'cache.db'));
});
afterAll(async () => {
  await store.close();
  await net.close();
});

function service() {
  return createLookupService({
    store,
    now: () => clock,
    forcedTlsDomains: () => Promise.resolve([]),
    probe: async (domain) => {
      probed.push(domain);
      const report = await checkDomain(domain, net.probeOptions);
      // The clock is ours: stamp the report with it, as the probe stamps real time.
      return { ...report, checkedAt: new Date(clock).toISOString() } satisfies DomainReport;
    },
  });
}

type Meta = { cached: boolean; stale: boolean; status: string; checkedAt: string; expiresAt: string };
const parse = (answer: RenderedReport | undefined): Meta => JSON.parse(answer?.json ?? 'null') as Meta;

describe('lookup cache', () => {
  it('keeps statuses for their lifetime: 24 h, 1 h for no-mail, 5 min for unknown', async () => {
    const good = 'cache-good.test';
    const mx = await net.mailHost({ name: `mx.${good}` });
    net.mx(good, [[10, mx.name]]);
    const silent = 'cache-silent.test';
    const hang = await net.mailHost({ name: `mx.${silent}`, mode: 'silent' });
    net.mx(silent, [[10, hang.name]]);
    const lookup = service();
    const [a, b, c] = (await lookup.lookup([good, 'cache-nx.test', silent], false)).map(parse);
    const life = (meta: Meta | undefined) =>
      Date.parse(meta?.expiresAt ?? '') - Date.parse(meta?.checkedAt ?? '');
    expect([a?.status, b?.status, c?.status]).toEqual(['opportunistic', 'no-mail', 'unknown']);
    expect([life(a), life(b), life(c)]).toEqual([86400_000, 3600_000, 300_000]);
  }, 20_000);

  it('serves a stale answer at once and refreshes it in the background, for up to 7 days', async () => {
    const domain = 'cache-stale.test';
    const mx = await net.mailHost({ name: `mx.${domain}` });
    net.mx(domain, [[10, mx.name]]);
    const lookup = service();
    const start = clock;
    const first = parse((await lookup.lookup([domain], false))[0]);
    expect(first.cached).toBe(false);

    clock = start + 25 * 3600_000; // past the 24 h lifetime
    const before = probed.length;
    const stale = parse((await lookup.lookup([domain], false))[0]);
    expect(stale).toMatchObject({ cached: true, stale: true, checkedAt: first.checkedAt });
    await lookup.idle();
    expect(probed.length).toBe(before + 1);

    const refreshed = parse((await lookup.lookup([domain], false))[0]);
    expect(refreshed).toMatchObject({ cached: true, stale: false });
    expect(Date.parse(refreshed.checkedAt)).toBe(clock);

    // Beyond the stale window the old answer is useless: the caller waits for a new probe.
    clock += STALE_WINDOW_MS + 1;
    const cold = parse((await lookup.lookup([domain], false))[0]);
    expect(cold).toMatchObject({ cached: false, stale: false });
    clock = Date.now();
  });

  it('answers a fresh hit from memory without waiting, exactly as the waiting lookup does', async () => {
    const domain = 'cache-memory.test';
    const mx = await net.mailHost({ name: `mx.${domain}` });
    net.mx(domain, [[10, mx.name]]);
    const cached = withReportCache(store);
    let forced: readonly ForcedTlsEntry[] | null = [];
    const lookup = createLookupService({
      store: cached,
      now: () => clock,
      forcedTlsDomains: () => Promise.resolve(forced ?? []),
      peek: { report: (name) => cached.peekReport(name), forcedTlsDomains: () => forced },
      probe: async (name) => ({
        ...(await checkDomain(name, net.probeOptions)),
        checkedAt: new Date(clock).toISOString(),
      }),
    });
    expect(lookup.cachedDomain(domain)).toBeNull(); // never looked up: only a probe can answer
    await lookup.lookupDomain(domain, false);
    const hit = lookup.cachedDomain(domain);
    expect(hit).not.toBeNull();
    expect(hit?.json).toBe((await lookup.lookupDomain(domain, false)).json);
    expect(parse(hit ?? undefined)).toMatchObject({ cached: true, stale: false });
    // A batch of such hits (an address and a spelling of the same domain too) is the same answers.
    const probes = lookup.probes;
    const batch = await lookup.lookup([domain, `someone@${domain.toUpperCase()}.`], false);
    expect(batch.map((answer) => answer.json)).toEqual([hit?.json, hit?.json]);
    expect(lookup.probes).toBe(probes);

    forced = [{ domain, level: 'encryption-only' }];
    expect(parse(lookup.cachedDomain(domain) ?? undefined)).toMatchObject({ status: 'enforced' });
    forced = null; // the policy is not at hand: the waiting lookup must read it
    expect(lookup.cachedDomain(domain)).toBeNull();
    forced = [];
    clock += 25 * 3600_000; // expired: stale answers and refreshes are the waiting lookup's
    expect(lookup.cachedDomain(domain)).toBeNull();
    clock = Date.now();
  });
});

describe('forced TLS in the lookup', () => {
  type Answer = Meta & {
    delivery?: { state: string; level: string; tlsDomain: string | null };
    enforcement: string[];
    findings: Array<{ code: string; severity: string; message: string }>;
  };
  const answer = (rendered: RenderedReport | undefined): Answer =>
    JSON.parse(rendered?.json ?? 'null') as Answer;

  function forcedService(forced: () => readonly ForcedTlsEntry[]) {
    return createLookupService({
      store,
      now: () => clock,
      forcedTlsDomains: () => Promise.resolve(forced()),
      probe: async (domain) => {
        probed.push(domain);
        return { ...(await checkDomain(domain, net.probeOptions)), checkedAt: new Date(clock).toISOString() };
      },
    });
  }

  it('answers a forced-TLS domain whose MX offers no STARTTLS as enforced but not delivered', async () => {
    const domain = 'forced-plain.test';
    const mx = await net.mailHost({ name: `mx.${domain}`, mode: 'plain' });
    net.mx(domain, [[10, mx.name]]);
    const lookup = forcedService(() => [{ domain, level: 'encryption-only' }]);
    const found = answer((await lookup.lookup([domain], false))[0]);
    expect(found.status).toBe('enforced');
    expect(found.enforcement).toContain('policy');
    expect(found.delivery).toMatchObject({ state: 'failing', level: 'encryption-only', tlsDomain: null });
    expect(found.findings.map((finding) => finding.code).slice(0, 2)).toEqual([
      'POLICY_FORCED_TLS',
      'FORCED_TLS_FAILING',
    ]);
    expect(found.findings[1]).toEqual({
      code: 'FORCED_TLS_FAILING',
      severity: 'error',
      message:
        `Your organisation requires TLS for ${domain}, but mx.${domain} offers no STARTTLS: ` +
        'mail to it will wait in the queue and then return undelivered.',
    });
    // The connector never sends in clear text: "can travel unencrypted" would be false.
    expect(found.findings.some((finding) => finding.code === 'SMTP_NO_STARTTLS')).toBe(false);
    expect(found.findings.some((finding) => /unencrypted/i.test(finding.message))).toBe(false);
  });

  it('renders one cached report under each level the policy names, without probing again', async () => {
    const domain = 'forced-misnamed.test';
    const mx = await net.mailHost({ name: `mx.${domain}`, cert: 'misnamed' });
    net.mx(domain, [[10, mx.name]]);
    let forced: ForcedTlsEntry[] = [{ domain, level: 'certificate-validation' }];
    const lookup = forcedService(() => forced);
    const first = answer((await lookup.lookup([domain], false))[0]);
    expect(first).toMatchObject({ status: 'enforced', cached: false, delivery: { state: 'ok' } });
    expect(first.findings.map((finding) => finding.code)).not.toContain('FORCED_TLS_FAILING');
    const before = probed.length;
    const again = answer(await lookup.lookupDomain(domain, false));
    expect(again).toMatchObject({ cached: true, delivery: { state: 'ok', level: 'certificate-validation' } });

    // The admin tightens the connector to domain validation: the same report now fails on the name.
    forced = [{ domain, level: 'domain-validation', tlsDomain: mx.name }];
    const tightened = answer(await lookup.lookupDomain(domain, false));
    expect(tightened).toMatchObject({
      status: 'enforced',
      cached: true,
      checkedAt: first.checkedAt,
      delivery: { state: 'failing', level: 'domain-validation', tlsDomain: mx.name },
    });
    expect(tightened.findings[1]).toMatchObject({ code: 'FORCED_TLS_FAILING', severity: 'error' });
    expect(tightened.findings[1]?.message).toContain(`does not name ${mx.name}`);
    expect(answer((await lookup.lookup([domain], false))[0]).delivery?.state).toBe('failing');
    expect(probed.length).toBe(before);
  });

  it('adds no delivery verdict to a domain the list does not cover', async () => {
    const domain = 'unforced.test';
    const mx = await net.mailHost({ name: `mx.${domain}`, mode: 'plain' });
    net.mx(domain, [[10, mx.name]]);
    const lookup = forcedService(() => [{ domain: `other.${domain}`, level: 'encryption-only' }]);
    const found = answer((await lookup.lookup([domain], false))[0]);
    expect(found.status).toBe('none');
    expect('delivery' in found).toBe(false);
    expect(found.findings.some((finding) => /unencrypted/i.test(finding.message))).toBe(true);
  });
});
