/**
 * Portal expiry from the policy: portalDefaultExpiryDays for new messages, portalMaxExpiryDays as the cap on
 * what a sender asks for and on extensions, fixed per message when it is sent.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { policySchema } from '../../src/contract/policy';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import { PORTAL_MAX_EXPIRY_SCHEMA } from '../../src/server/store/sqlite-migrations';
import { createMessage, startPortalApp, upload, type Created, type PortalApp } from '../support/portal';

const DAY = 86_400_000;
const ADMIN = 'portal-expiry-admin-'.padEnd(48, 'a');

interface ErrorBody {
  error: { code: string; message: string };
}
interface Summary {
  createdAt: string;
  expiresAt: string;
  maxExpiresAt: string;
}

const message = (overrides: Record<string, unknown> = {}) => ({
  senderEmail: 'alice@sender.test',
  subject: 'Quarterly figures',
  body: '<p>See the figures.</p>',
  recipients: ['bob@rcpt.test'],
  // Needs no mail relay.
  verification: { method: 'access-code', accessCode: 'correct-horse' },
  ...overrides,
});

let portal: PortalApp;
let app: FastifyInstance;

beforeAll(async () => {
  portal = await startPortalApp({ env: { TLSGATE_ADMIN_TOKEN: ADMIN } });
  app = portal.app;
});
afterAll(async () => {
  await app.close();
});

async function setPolicy(changes: Partial<OrgPolicy>): Promise<void> {
  const { policy, version } = await app.services.policy.current();
  const result = await app.services.policy.replace({ ...policy, ...changes }, version, 'test');
  if (!result.ok) throw new Error('the policy was not saved');
}

async function summary(id: string): Promise<Summary> {
  return (await app.inject({ url: `/api/v1/portal/messages/${id}` })).json<Summary>();
}

function extend(id: string, expiresAt: number) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/portal/messages/${id}/extend`,
    payload: { expiresAt: new Date(expiresAt).toISOString() },
  });
}

/** Days from creation to `at`, as the summary tells them. */
const daysAfter = (s: Summary, at: string): number => (Date.parse(at) - Date.parse(s.createdAt)) / DAY;

describe('the policy fields', () => {
  it('default to the former fixed 14 and 90 days', () => {
    expect(policySchema.parse({})).toMatchObject({ portalDefaultExpiryDays: 14, portalMaxExpiryDays: 90 });
    expect(DEFAULT_POLICY).toMatchObject({ portalDefaultExpiryDays: 14, portalMaxExpiryDays: 90 });
  });

  it.each([
    ['0 days', { portalDefaultExpiryDays: 0 }, 'portalDefaultExpiryDays'],
    ['over 365 days', { portalMaxExpiryDays: 366 }, 'portalMaxExpiryDays'],
    ['a fraction of a day', { portalMaxExpiryDays: 30.5 }, 'portalMaxExpiryDays'],
    ['a string', { portalDefaultExpiryDays: '14' }, 'portalDefaultExpiryDays'],
  ])('refuse %s at the field', (_name, policy, path) => {
    const parsed = policySchema.safeParse(policy);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual([path]);
  });

  it('take 1 and 365 days', () => {
    expect(policySchema.safeParse({ portalDefaultExpiryDays: 1, portalMaxExpiryDays: 365 }).success).toBe(
      true,
    );
  });

  it('refuse a default longer than the maximum, at the default, through the console API too', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/policy/validate',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { ...DEFAULT_POLICY, portalDefaultExpiryDays: 31, portalMaxExpiryDays: 30 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      valid: false,
      problems: [
        {
          path: 'portalDefaultExpiryDays',
          code: 'VALIDATION_FAILED',
          message: 'the default expiry (31 days) cannot be longer than portalMaxExpiryDays (30)',
        },
      ],
    });
  });
});

describe('a new portal message', () => {
  beforeAll(async () => {
    await setPolicy({ portalDefaultExpiryDays: 7, portalMaxExpiryDays: 30 });
  });

  it("expires after the policy's default when the sender asks for nothing", async () => {
    const created = await createMessage(app, { message: message() });
    const s = await summary(created.id);
    expect(daysAfter(s, s.expiresAt)).toBe(7);
    expect(created.expiresAt).toBe(s.expiresAt);
    expect(daysAfter(s, s.maxExpiresAt)).toBe(30);
  });

  it('expires sooner when the sender asks for it', async () => {
    const created = await createMessage(app, { message: message({ expiresInDays: 2 }) });
    const s = await summary(created.id);
    expect(daysAfter(s, s.expiresAt)).toBe(2);
    expect(daysAfter(s, s.maxExpiresAt)).toBe(30);
  });

  it('may be asked for up to the maximum, and a day more is refused before anything is stored', async () => {
    const longest = await createMessage(app, { message: message({ expiresInDays: 30 }) });
    const s = await summary(longest.id);
    expect(daysAfter(s, s.expiresAt)).toBe(30);

    const before = (await app.inject({ url: '/api/v1/portal/messages' })).json<{ messages: unknown[] }>();
    const tooLong = await upload(app, {
      message: message({ expiresInDays: 31 }),
      files: [{ name: 'figures.xlsx', data: Buffer.from('PK...') }],
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json<ErrorBody>().error).toEqual({
      code: 'VALIDATION_FAILED',
      message: "message.expiresInDays: the organisation's policy allows at most 30 days (asked 31).",
    });
    const after = (await app.inject({ url: '/api/v1/portal/messages' })).json<{ messages: unknown[] }>();
    expect(after.messages).toHaveLength(before.messages.length);
  });

  it('is extended up to the maximum from sending, and not beyond', async () => {
    const created = await createMessage(app, { message: message() });
    const max = Date.parse((await summary(created.id)).maxExpiresAt);
    const beyond = await extend(created.id, max + 1000);
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    expect(beyond.json<ErrorBody>().error.message).toContain('at most 30 days after it was sent');
    expect((await extend(created.id, max)).statusCode).toBe(200);
  });
});

describe('a policy change', () => {
  let earlier: Created;

  beforeAll(async () => {
    await setPolicy({ portalDefaultExpiryDays: 7, portalMaxExpiryDays: 30 });
    earlier = await createMessage(app, { message: message() });
  });

  it('applies to messages sent after it, and leaves those sent before as they were', async () => {
    await setPolicy({ portalDefaultExpiryDays: 2, portalMaxExpiryDays: 10 });
    const later = await createMessage(app, { message: message() });
    const laterSummary = await summary(later.id);
    expect(daysAfter(laterSummary, laterSummary.expiresAt)).toBe(2);
    expect(daysAfter(laterSummary, laterSummary.maxExpiresAt)).toBe(10);
    const created = Date.parse(laterSummary.createdAt);
    expect((await extend(later.id, created + 11 * DAY)).statusCode).toBe(400);

    // The earlier message keeps the 7 days it was sent with, and may still be extended to its 30.
    const earlierSummary = await summary(earlier.id);
    expect(daysAfter(earlierSummary, earlierSummary.expiresAt)).toBe(7);
    expect(daysAfter(earlierSummary, earlierSummary.maxExpiresAt)).toBe(30);
    expect((await extend(earlier.id, Date.parse(earlierSummary.maxExpiresAt))).statusCode).toBe(200);
  });

  it('that raises the maximum does not lengthen what a message was sent with', async () => {
    await setPolicy({ portalDefaultExpiryDays: 30, portalMaxExpiryDays: 200 });
    const s = await summary(earlier.id);
    const beyond = await extend(earlier.id, Date.parse(s.createdAt) + 31 * DAY);
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json<ErrorBody>().error.message).toContain('at most 30 days');
  });
});

describe('the upgrade to policy expiry (migration 7)', () => {
  it('gives messages sent before it the former 90 days, and stored policies the former 14 and 90', async () => {
    const older = await startPortalApp();
    const created = await createMessage(older.app, { message: message() });
    await older.app.close();
    // As a TLS Gate from before the fields stored it; then the migration runs on it (alone: the others
    // after it do not concern this).
    const raw = new Database(join(older.dir, 'data', 'tlsgate.db'));
    raw.exec(`DROP TABLE portal_expiry_caps;
      UPDATE policy SET body = json_remove(body, '$.portalDefaultExpiryDays', '$.portalMaxExpiryDays');
      UPDATE policy_audit SET body = json_remove(body, '$.portalDefaultExpiryDays', '$.portalMaxExpiryDays');`);
    raw.exec(PORTAL_MAX_EXPIRY_SCHEMA);
    // Safe to run twice, as later upgrades may.
    raw.exec(PORTAL_MAX_EXPIRY_SCHEMA);
    raw.close();

    const upgraded = await startPortalApp({ dir: older.dir, portalOn: false });
    try {
      const s = (await upgraded.app.inject({ url: `/api/v1/portal/messages/${created.id}` })).json<Summary>();
      expect(daysAfter(s, s.maxExpiresAt)).toBe(90);
      const policy = (await upgraded.app.inject({ url: '/api/v1/policy' })).json<{ policy: OrgPolicy }>();
      expect(policy.policy).toMatchObject({
        portal: true,
        portalDefaultExpiryDays: 14,
        portalMaxExpiryDays: 90,
      });
      // The stored body itself, which the server reads without the schema's defaults.
      const { policy: stored } = await upgraded.app.services.policy.current();
      expect(stored).toMatchObject({ portalDefaultExpiryDays: 14, portalMaxExpiryDays: 90 });
    } finally {
      await upgraded.app.close();
    }
  });
});
