import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { testConfig } from '../../src/server/config';
import { csvCell } from '../../src/server/csv';

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
      { decision: 'sent-anyway', riskyDomains: ['shaky.example'], detectionTypes: ['payment-card'] },
      { decision: 'allowed' },
      { decision: 'sent-via-portal', riskyDomains: ['plain.example'], detectionTypes: ['iban'] },
    ])
      expect((await report(payload)).statusCode).toBe(202);

    const summary = (await app.inject({ url: '/api/v1/admin/activity?days=7', headers: admin })).json<{
      days: Array<{ day: string; counts: Record<string, number> }>;
      topDomains: Array<{ domain: string; count: number }>;
      detectionTypes: Array<{ type: string; count: number }>;
    }>();
    expect(summary.days).toHaveLength(7);
    expect(summary.days.at(-1)).toEqual({
      day: new Date().toISOString().slice(0, 10),
      counts: { allowed: 1, warned: 1, blocked: 2, 'sent-anyway': 1, 'sent-via-portal': 1 },
    });
    expect(summary.days[0]?.counts.blocked).toBe(0);
    expect(summary.topDomains).toEqual([
      { domain: 'plain.example', count: 3 },
      { domain: 'shaky.example', count: 3 },
    ]);
    expect(summary.detectionTypes).toEqual([
      { type: 'iban', count: 3 },
      { type: 'payment-card', count: 2 },
      { type: 'nl-bsn', count: 1 },
    ]);
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
    expect(lines[2]).toMatch(/^\d{4}-\d{2}-\d{2},1,1,2,1,1$/);
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
    expect(lines[0]).toBe('version,at,actor,path,change');
    expect(lines[1]).toMatch(
      /^1,\d{4}-.*,admin-token,trustedDomains,"{""added"":\[""partner.example""\],""removed"":\[\]}"$/,
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
