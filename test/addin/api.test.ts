import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ApiCallError, createApiClient } from '../../addin/shared/api';

/** The add-in's backend client against msw: the add-in's HTTP calls are the edge it mocks. */

const BASE = 'https://tlsgate.example.test/sub';
const seenBatches: number[] = [];
const seenAuth: Array<string | null> = [];

const server = setupServer(
  http.post(`${BASE}/api/v1/domains/lookup`, async ({ request }) => {
    seenAuth.push(request.headers.get('authorization'));
    const { domains } = (await request.json()) as { domains: string[] };
    seenBatches.push(domains.length);
    return HttpResponse.json({ reports: domains.map((domain) => ({ domain, status: 'opportunistic' })) });
  }),
  http.get(`${BASE}/api/v1/policy`, () => HttpResponse.json({ policy: { portal: false }, version: 2 })),
);

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  server.resetHandlers();
  seenBatches.length = 0;
  seenAuth.length = 0;
});
afterAll(() => {
  server.close();
});

const client = (token?: string) =>
  createApiClient({
    baseUrl: `${BASE}/`,
    fetch: globalThis.fetch,
    ...(token ? { token: () => Promise.resolve(token) } : {}),
  });

async function failure(promise: Promise<unknown>): Promise<ApiCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiCallError);
  return error as ApiCallError;
}

describe('api client', () => {
  it('looks up in batches of at most 100, keeping order', async () => {
    const inputs = Array.from({ length: 230 }, (_, i) => `d${i}.example`);
    const reports = await client().lookup(inputs, 2000);
    expect(reports.map((report) => report.domain)).toEqual(inputs);
    expect(seenBatches.sort((a, b) => a - b)).toEqual([30, 100, 100]);
  });

  it('makes no call for no recipients', async () => {
    expect(await client().lookup([], 2000)).toEqual([]);
    expect(seenBatches).toEqual([]);
  });

  it('sends a bearer token when one is configured, none otherwise', async () => {
    await client('tok-123').lookup(['a.example'], 2000);
    await client().lookup(['a.example'], 2000);
    expect(seenAuth).toEqual(['Bearer tok-123', null]);
  });

  it('reads the policy document', async () => {
    expect(await client().policy(2000)).toEqual({ policy: { portal: false }, version: 2 });
  });

  it.each([
    ['a network error', () => HttpResponse.error(), 'unreachable'],
    ['401', () => new HttpResponse(null, { status: 401 }), 'unauthorized'],
    ['500', () => new HttpResponse(null, { status: 500 }), 'rejected'],
    ['HTML instead of JSON', () => new HttpResponse('<html>', { status: 200 }), 'bad-response'],
    ['the wrong number of reports', () => HttpResponse.json({ reports: [] }), 'bad-response'],
  ] as const)('reports %s as %s', async (_label, respond, kind) => {
    server.use(http.post(`${BASE}/api/v1/domains/lookup`, respond));
    expect((await failure(client().lookup(['a.example'], 2000))).kind).toBe(kind);
  });

  it('gives up after the timeout', async () => {
    server.use(
      http.get(`${BASE}/api/v1/policy`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const started = Date.now();
    expect((await failure(client().policy(150))).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a policy in an unexpected shape', async () => {
    server.use(http.get(`${BASE}/api/v1/policy`, () => HttpResponse.json({ rules: [] })));
    expect((await failure(client().policy(2000))).kind).toBe('bad-response');
  });
});

describe('api client: portal upload', () => {
  const message = {
    senderEmail: 'me@sender.example',
    subject: 'Invoice',
    body: '<p>Hi</p>',
    format: 'html' as const,
    recipients: ['ann@plain.example'],
    language: 'nl' as const,
  };
  const created = {
    id: '0b8f6f5e-9f55-4bd1-a7a7-0d5f3b5a2f11',
    link: 'https://portal.example.test/m/abc',
    expiresAt: '2026-12-24T10:00:00.000Z',
    verification: 'email-code',
  };

  it('posts multipart/form-data: the message field first, then the files with their bytes', async () => {
    const parts: Array<{ name: string; value: string; filename?: string; bytes?: number[] }> = [];
    let contentType = '';
    server.use(
      http.post(`${BASE}/api/v1/portal/messages`, async ({ request }) => {
        contentType = request.headers.get('content-type') ?? '';
        const form = await request.formData();
        for (const [name, value] of form.entries())
          parts.push(
            typeof value === 'string'
              ? { name, value }
              : {
                  name,
                  value: '',
                  filename: value.name,
                  bytes: [...new Uint8Array(await value.arrayBuffer())],
                },
          );
        return HttpResponse.json(created, { status: 201 });
      }),
    );
    const answer = await client().createPortalMessage(
      message,
      [{ name: 'a.pdf', base64: Buffer.from([0, 1, 2, 255]).toString('base64') }],
      2000,
    );
    expect(answer).toEqual(created);
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(parts.map((p) => p.name)).toEqual(['message', 'file']);
    expect(JSON.parse(parts[0]?.value ?? '')).toEqual(message);
    expect(parts[1]).toMatchObject({ filename: 'a.pdf', bytes: [0, 1, 2, 255] });
  });

  it('reports the portal switched off as rejected, with the server code', async () => {
    server.use(
      http.post(`${BASE}/api/v1/portal/messages`, () =>
        HttpResponse.json({ error: { code: 'PORTAL_DISABLED', message: 'off' } }, { status: 403 }),
      ),
    );
    const error = await failure(client().createPortalMessage(message, [], 2000));
    expect(error).toMatchObject({ kind: 'rejected', status: 403, code: 'PORTAL_DISABLED' });
  });

  it('keeps a plain 403 a sign-in problem, and times out', async () => {
    server.use(
      http.post(`${BASE}/api/v1/portal/messages`, () =>
        HttpResponse.json({ error: { code: 'FORBIDDEN', message: 'no' } }, { status: 403 }),
      ),
    );
    expect((await failure(client().createPortalMessage(message, [], 2000))).kind).toBe('unauthorized');
    server.use(
      http.post(`${BASE}/api/v1/portal/messages`, async () => {
        await delay('infinite');
        return HttpResponse.json(created, { status: 201 });
      }),
    );
    expect((await failure(client().createPortalMessage(message, [], 150))).kind).toBe('timeout');
  });
});
