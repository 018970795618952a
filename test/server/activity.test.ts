import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { buildApp } from '../../src/server/app';
import { testConfig, type Config } from '../../src/server/config';
import { csvCell } from '../../src/server/csv';
import { SEND_ANYWAY_AFTER_MS } from '../../src/server/routes/activity';
import { dayOf, MAX_PENDING_ATTEMPTS } from '../../src/server/store/activity-store';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { createMessage, startPortalApp } from '../support/portal';

/** The activity pipeline: decisions reported by the add-in arrive in the admin's counts and CSV. */

const ADMIN = 'activity-admin-'.padEnd(48, 'a');
let app: FastifyInstance;
const admin = { authorization: `Bearer ${ADMIN}` };

beforeAll(async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'tlsgate-activity-')), 'db.sqlite');
  app = await buildApp(testConfig({ db, adminToken: ADMIN }), {
    probe: () => Promise.reject(new Error('unused')),
  });
});
afterAll(async () => {
  await app.close();
});

const report = (payload: object) =>
  app.inject({ method: 'POST', url: '/api/v1/events', payload: payload as Record<string, unknown> });

describe('POST /api/v1/events', () => {
  it('accepts decisions and counts them per day, with top domains and detection types', async () => {
    for (const payload of [
      { decision: 'blocked', riskyDomains: ['Plain.example'], detectionTypes: ['iban'] },
      {
        decision: 'blocked',
        riskyDomains: ['plain.example', 'shaky.example'],
        detectionTypes: ['iban', 'nl-bsn'],
      },
      { decision: 'warned', riskyDomains: ['shaky.example'], detectionTypes: ['payment-card'] },
      { decision: 'blocked', riskyDomains: ['shaky.example'], detectionTypes: ['payment-card'] },
      { decision: 'allowed' },
    ])
      expect((await report(payload)).statusCode).toBe(202);

    const summary = (await app.inject({ url: '/api/v1/admin/activity?days=7', headers: admin })).json<{
      days: Array<{ day: string; counts: Record<string, number> }>;
      topDomains: Array<{ domain: string; count: number }>;
      detectionTypes: Array<{ type: string; count: number }>;
      topAddresses: unknown[];
    }>();
    expect(summary.days).toHaveLength(7);
    expect(summary.days.at(-1)).toEqual({
      day: new Date().toISOString().slice(0, 10),
      counts: { allowed: 1, warned: 1, blocked: 3, 'sent-anyway': 0, 'sent-via-portal': 0 },
    });
    expect(summary.days[0]?.counts.blocked).toBe(0);
    expect(summary.topDomains).toEqual([
      { domain: 'shaky.example', count: 3 },
      { domain: 'plain.example', count: 2 },
    ]);
    expect(summary.detectionTypes).toEqual([
      { type: 'iban', count: 2 },
      { type: 'payment-card', count: 2 },
      { type: 'nl-bsn', count: 1 },
    ]);
    expect(summary.topAddresses).toEqual([]);
  });

  it.each([
    ['an unknown decision', { decision: 'maybe' }],
    ['an address instead of a domain', { decision: 'blocked', riskyDomains: ['bob@plain.example'] }],
    ['an unknown detection type', { decision: 'blocked', detectionTypes: ['password'] }],
    ['message content', { decision: 'blocked', body: 'Dear Bob' }],
    [
      'too many domains',
      { decision: 'blocked', riskyDomains: Array.from({ length: 51 }, (_, i) => `d${i}.example`) },
    ],
    ['a decision only the server makes (sent-anyway)', { decision: 'sent-anyway' }],
    ['a decision only the server makes (sent-via-portal)', { decision: 'sent-via-portal' }],
    ['something that is not an address', { decision: 'blocked', riskyAddresses: ['carol at plain.example'] }],
    [
      'an address over 254 characters',
      { decision: 'blocked', riskyAddresses: [`${'a'.repeat(250)}@x.example`] },
    ],
    [
      'too many addresses',
      { decision: 'blocked', riskyAddresses: Array.from({ length: 51 }, (_, i) => `u${i}@x.example`) },
    ],
    ['an attempt id on anything but a warning', { decision: 'blocked', attempt: 'abcdefgh12345678' }],
    ['a malformed attempt id', { decision: 'warned', attempt: 'short' }],
    ['a malformed superseded id', { supersedes: 'no spaces allowed' }],
    ['an unknown field beside supersedes', { supersedes: 'abcdefgh12345678', note: 'x' }],
  ])('refuses %s', async (_label, payload) => {
    const response = await report(payload);
    expect(response.statusCode).toBe(400);
    expect((JSON.parse(response.body) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('admin exports', () => {
  it('exports activity per day as CSV', async () => {
    const response = await app.inject({ url: '/api/v1/admin/activity.csv?days=2', headers: admin });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="tlsgate-activity-/);
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toBe('day,allowed,warned,blocked,sent-anyway,sent-via-portal');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^\d{4}-\d{2}-\d{2},1,1,3,0,0$/);
  });

  it('exports the policy audit log as CSV', async () => {
    await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { ...admin, 'if-match': '"policy-v0"' },
      payload: { trustedDomains: ['partner.example'] },
    });
    const response = await app.inject({ url: '/api/v1/admin/policy/audit.csv', headers: admin });
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toBe('version,at,actor,note,path,change');
    expect(lines[1]).toMatch(
      /^1,\d{4}-.*,admin-token,,trustedDomains,"{""added"":\[""partner.example""\],""removed"":\[\]}"$/,
    );
  });

  it('refuses non-admins with 403 on every admin route', async () => {
    for (const url of [
      '/api/v1/admin/activity',
      '/api/v1/admin/activity.csv',
      '/api/v1/admin/policy/audit.csv',
    ]) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(403);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
    }
  });

  it('keeps spreadsheet formulas out of CSV cells', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
  });
});

const DAY_MS = 86_400_000;

interface Summary {
  days: Array<{ day: string; counts: Record<string, number> }>;
  topDomains: Array<{ domain: string; count: number }>;
  detectionTypes: Array<{ type: string; count: number }>;
  topAddresses: Array<{ address: string; count: number }>;
}

/** A fresh app on its own SQLite file. */
async function start(overrides: Partial<Config> = {}): Promise<{ app: FastifyInstance; db: string }> {
  const db = join(mkdtempSync(join(tmpdir(), 'tlsgate-activity-')), 'db.sqlite');
  const fresh = await buildApp(testConfig({ db, adminToken: ADMIN, ...overrides }), {
    probe: () => Promise.reject(new Error('unused')),
  });
  return { app: fresh, db };
}

const post = (target: FastifyInstance, payload: object) =>
  target.inject({ method: 'POST', url: '/api/v1/events', payload: payload as Record<string, unknown> });

async function summaryOf(target: FastifyInstance, days = 2): Promise<Summary> {
  const response = await target.inject({ url: `/api/v1/admin/activity?days=${days}`, headers: admin });
  expect(response.statusCode).toBe(200);
  return response.json<Summary>();
}

function countsOn(summary: Summary, day: string): Record<string, number> {
  const found = summary.days.find((entry) => entry.day === day);
  if (!found) throw new Error(`no ${day} in the summary`);
  return found.counts;
}

describe('retention', () => {
  it('prunes counts older than TLSGATE_ACTIVITY_RETENTION_DAYS (today included)', async () => {
    const { app: short, db } = await start({ activityRetentionDays: 30 });
    const now = Date.now();
    const gone = dayOf(now - 30 * DAY_MS);
    const kept = dayOf(now - 29 * DAY_MS);
    const raw = new Database(db);
    for (const day of [gone, kept]) {
      raw.prepare(`INSERT INTO activity_daily VALUES (?, 'blocked', 5)`).run(day);
      raw.prepare(`INSERT INTO activity_domains VALUES (?, 'old.example', 5)`).run(day);
      raw.prepare(`INSERT INTO activity_types VALUES (?, 'iban', 5)`).run(day);
      raw.prepare(`INSERT INTO activity_addresses VALUES (?, 'old@old.example', 5)`).run(day);
    }
    expect((await post(short, { decision: 'allowed' })).statusCode).toBe(202);
    for (const table of ['activity_daily', 'activity_domains', 'activity_types', 'activity_addresses'])
      expect(
        raw
          .prepare<[string], { day: string }>(`SELECT DISTINCT day FROM ${table} WHERE day < ? ORDER BY day`)
          .all(dayOf(now))
          .map((row) => row.day),
      ).toEqual([kept]);
    raw.close();
    await short.close();
  });

  it('keeps 180 days unless told otherwise', () => {
    expect(testConfig().activityRetentionDays).toBe(180);
    expect(app.services.config.activityRetentionDays).toBe(180);
  });
});

describe('addresses, only when the policy turns them on', () => {
  let target: FastifyInstance;
  let db: string;
  beforeAll(async () => {
    ({ app: target, db } = await start());
  });
  afterAll(async () => {
    await target.close();
  });

  const event = {
    decision: 'blocked',
    riskyDomains: ['plain.example'],
    riskyAddresses: ['Carol@Plain.example'],
  };
  const stored = () => {
    const raw = new Database(db, { readonly: true });
    try {
      return raw.prepare('SELECT address, count FROM activity_addresses').all();
    } finally {
      raw.close();
    }
  };

  it('is off by default, and reported addresses are dropped unstored', async () => {
    const policy = await target.inject({ url: '/api/v1/policy' });
    expect(policy.json<{ policy: { activityAddresses: boolean } }>().policy.activityAddresses).toBe(false);
    expect((await post(target, event)).statusCode).toBe(202);
    expect(stored()).toEqual([]);
    const summary = await summaryOf(target);
    expect(summary.topAddresses).toEqual([]);
    expect(summary.topDomains).toEqual([{ domain: 'plain.example', count: 1 }]);
  });

  it('counts them, lowercased, once the policy turns them on', async () => {
    const put = await target.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { ...admin, 'if-match': '"policy-v0"' },
      payload: { activityAddresses: true },
    });
    expect(put.statusCode).toBe(200);
    expect((await post(target, event)).statusCode).toBe(202);
    expect(
      (await post(target, { ...event, riskyAddresses: ['carol@plain.example', 'Dan@plain.example'] }))
        .statusCode,
    ).toBe(202);
    expect((await summaryOf(target)).topAddresses).toEqual([
      { address: 'carol@plain.example', count: 2 },
      { address: 'dan@plain.example', count: 1 },
    ]);
  });

  it('leaves a policy without the setting (older clients) off', async () => {
    const put = await target.inject({
      method: 'PUT',
      url: '/api/v1/admin/policy',
      headers: { ...admin, 'if-match': '"policy-v1"' },
      payload: { trustedDomains: [] },
    });
    expect(put.json<{ policy: { activityAddresses: boolean } }>().policy.activityAddresses).toBe(false);
    expect((await post(target, { ...event, riskyAddresses: ['erin@plain.example'] })).statusCode).toBe(202);
    expect(JSON.stringify(stored())).not.toContain('erin');
  });

  it('upgrades a policy stored before the setting existed (migration 5): off, and still served', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tlsgate-activity-old-')), 'db.sqlite');
    const store = openSqliteStore(path);
    // As a TLS Gate from before the setting stored it: no activityAddresses at all.
    const older = Object.fromEntries(
      Object.entries({ ...DEFAULT_POLICY, trustedDomains: ['partner.example'] }).filter(
        ([key]) => key !== 'activityAddresses',
      ),
    );
    await store.putPolicy(older as unknown as typeof DEFAULT_POLICY, 0, 'test', []);
    await store.close();
    const raw = new Database(path);
    raw.pragma('user_version = 4');
    raw.close();

    const upgraded = await buildApp(testConfig({ db: path }), {
      probe: () => Promise.reject(new Error('unused')),
    });
    const response = await upgraded.inject({ url: '/api/v1/policy' });
    expect(response.statusCode).toBe(200);
    expect(
      response.json<{ policy: { activityAddresses: boolean; trustedDomains: string[] } }>().policy,
    ).toMatchObject({
      activityAddresses: false,
      trustedDomains: ['partner.example'],
    });
    await upgraded.close();
  });
});

describe('sent anyway, inferred from warnings nobody followed up', () => {
  let target: FastifyInstance;
  let db: string;
  beforeEach(async () => {
    ({ app: target, db } = await start());
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await target.close();
  });

  const ATTEMPT = 'attempt-0123456789abcdef';
  const warned = { decision: 'warned', riskyDomains: ['shaky.example'], detectionTypes: ['payment-card'] };
  const later = (at: number) => jest.spyOn(Date, 'now').mockReturnValue(at + SEND_ANYWAY_AFTER_MS + 1000);

  it('counts a warning with no follow-up as sent anyway once 10 minutes have passed, on its own day', async () => {
    const warnedAt = Date.now();
    expect((await post(target, { ...warned, attempt: ATTEMPT })).statusCode).toBe(202);
    expect(countsOn(await summaryOf(target), dayOf(warnedAt))['sent-anyway']).toBe(0);

    later(warnedAt);
    const summary = await summaryOf(target, 3);
    expect(countsOn(summary, dayOf(warnedAt))).toMatchObject({ warned: 1, 'sent-anyway': 1 });
    // The warning counted its domains and types; being sent anyway does not count them again.
    expect(summary.topDomains).toEqual([{ domain: 'shaky.example', count: 1 }]);
    expect(summary.detectionTypes).toEqual([{ type: 'payment-card', count: 1 }]);
    // Counted once: the pending warning is gone.
    expect(countsOn(await summaryOf(target, 3), dayOf(warnedAt))['sent-anyway']).toBe(1);
  });

  it('does not count a warning the next check in the same draft superseded', async () => {
    const warnedAt = Date.now();
    await post(target, { ...warned, attempt: ATTEMPT });
    expect((await post(target, { decision: 'allowed', supersedes: ATTEMPT })).statusCode).toBe(202);
    later(warnedAt);
    expect(countsOn(await summaryOf(target, 3), dayOf(warnedAt))).toMatchObject({
      warned: 1,
      allowed: 1,
      'sent-anyway': 0,
    });
  });

  it('takes a bare supersede (a draft that went out through the portal)', async () => {
    const warnedAt = Date.now();
    await post(target, { ...warned, attempt: ATTEMPT });
    expect((await post(target, { supersedes: ATTEMPT })).statusCode).toBe(202);
    later(warnedAt);
    const counts = countsOn(await summaryOf(target, 3), dayOf(warnedAt));
    expect(counts).toMatchObject({ warned: 1, allowed: 0, 'sent-anyway': 0 });
  });

  it('promotes on reports and in the CSV too, and counts a retried warning only by its last attempt', async () => {
    const warnedAt = Date.now();
    await post(target, { ...warned, attempt: ATTEMPT });
    await post(target, { ...warned, attempt: 'attempt-second-try', supersedes: ATTEMPT });
    later(warnedAt);
    await post(target, { decision: 'allowed' });
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM activity_pending').get()).toEqual({ n: 0 });
    raw.close();
    const csvBody = (await target.inject({ url: '/api/v1/admin/activity.csv?days=3', headers: admin })).body;
    expect(csvBody).toContain(`${dayOf(warnedAt)},`);
    expect(countsOn(await summaryOf(target, 3), dayOf(warnedAt))).toMatchObject({
      warned: 2,
      'sent-anyway': 1,
    });
  });

  it(`keeps at most ${MAX_PENDING_ATTEMPTS} warnings pending`, async () => {
    const raw = new Database(db);
    raw
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO activity_pending (attempt, at) SELECT 'filler-' || i, ? FROM n`,
      )
      .run(MAX_PENDING_ATTEMPTS, Date.now());
    expect((await post(target, { ...warned, attempt: ATTEMPT })).statusCode).toBe(202);
    expect(raw.prepare('SELECT COUNT(*) AS n FROM activity_pending WHERE attempt = ?').get(ATTEMPT)).toEqual({
      n: 0,
    });
    raw.close();
  });
});

describe('sent via the portal', () => {
  it('counts a message created through the portal once, with its recipient domains only', async () => {
    const portal = await startPortalApp({ env: { TLSGATE_ADMIN_TOKEN: ADMIN } });
    await createMessage(portal.app, {
      message: {
        senderEmail: 'alice@sender.example',
        subject: 'Invoice',
        body: '<p>See attached.</p>',
        recipients: ['bob@Rcpt.example', 'carol@rcpt.example', { email: 'dan@other.example' }],
        verification: { method: 'access-code', accessCode: 'correct horse' },
      },
    });
    const summary = await summaryOf(portal.app, 1);
    expect(summary.days[0]?.counts).toEqual({
      allowed: 0,
      warned: 0,
      blocked: 0,
      'sent-anyway': 0,
      'sent-via-portal': 1,
    });
    expect(summary.topDomains).toEqual([
      { domain: 'other.example', count: 1 },
      { domain: 'rcpt.example', count: 1 },
    ]);
    expect(summary.detectionTypes).toEqual([]);
    expect(summary.topAddresses).toEqual([]);
    await portal.app.close();
  });
});
