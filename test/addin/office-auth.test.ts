import { OfficeMockObject } from 'office-addin-mock';
import { officeAccessToken } from '../../addin/office/auth';

/** The SSO adapter against office-addin-mock standing in for OfficeRuntime, the edge where Office would be. */

type GetAccessToken = (options: Office.AuthOptions) => Promise<string>;
const seen: Office.AuthOptions[] = [];

function install(getAccessToken: GetAccessToken): void {
  // office-addin-mock types its seed as a class, but takes a plain object, as its docs show.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const runtime = new OfficeMockObject({
    auth: {
      getAccessToken: (options: Office.AuthOptions) => {
        seen.push(options);
        return getAccessToken(options);
      },
    },
  }) as unknown as typeof OfficeRuntime;
  (globalThis as { OfficeRuntime?: unknown }).OfficeRuntime = runtime;
}

afterEach(() => {
  seen.length = 0;
  delete (globalThis as { OfficeRuntime?: unknown }).OfficeRuntime;
});

describe('officeAccessToken', () => {
  it("hands over Office's token, asking for prompts only where the user can answer them", async () => {
    install(() => Promise.resolve('header.payload.signature'));
    await expect(officeAccessToken({ interactive: false, timeoutMs: 1000 })()).resolves.toBe(
      'header.payload.signature',
    );
    await officeAccessToken({ interactive: true, timeoutMs: 1000 })();
    expect(seen).toEqual([
      { allowSignInPrompt: false, allowConsentPrompt: false, forMSGraphAccess: false },
      { allowSignInPrompt: true, allowConsentPrompt: true, forMSGraphAccess: false },
    ]);
  });

  it.each([
    [
      'the user is not signed in (13001)',
      () => Promise.reject(Object.assign(new Error('x'), { code: 13001 })),
    ],
    ['consent is missing (13007)', () => Promise.reject(Object.assign(new Error('x'), { code: 13007 }))],
    ['Office answers with nothing', () => Promise.resolve('')],
    [
      'the call throws',
      () => {
        throw new Error('not supported');
      },
    ],
  ] as Array<[string, GetAccessToken]>)('gives no token when %s', async (_label, getAccessToken) => {
    install(getAccessToken);
    await expect(officeAccessToken({ interactive: false, timeoutMs: 1000 })()).resolves.toBeNull();
  });

  it('gives no token when Office does not answer in time, so the call is not held up', async () => {
    install(() => new Promise<string>(() => undefined));
    const started = Date.now();
    await expect(officeAccessToken({ interactive: false, timeoutMs: 100 })()).resolves.toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives no token where there is no OfficeRuntime (older clients, the /try page)', async () => {
    await expect(officeAccessToken({ interactive: true, timeoutMs: 1000 })()).resolves.toBeNull();
  });
});
