import { OfficeMockObject } from 'office-addin-mock';
import { OfficeCallError, officeComposeItem, officeMailbox } from '../../addin/office/compose';

/** The Office.js adapters against office-addin-mock, the edge where Outlook would be. */

type Callback = (result: unknown) => void;
const ok = (value: unknown) => ({ status: 'succeeded', value });
const failed = (code: number) => ({ status: 'failed', error: { code, name: 'Error', message: 'nope' } });

function install(overrides: { item?: Record<string, unknown>; version?: string; language?: string } = {}) {
  const session = new Map<string, string>();
  const coercions: string[] = [];
  const item = {
    to: {
      getAsync: (cb: Callback) => {
        cb(ok([{ emailAddress: 'ann@a.example', displayName: 'Ann' }]));
      },
    },
    cc: {
      getAsync: (cb: Callback) => {
        cb(ok([{ emailAddress: 'bob@b.example', displayName: '' }]));
      },
    },
    bcc: {
      getAsync: (cb: Callback) => {
        cb(ok([]));
      },
    },
    subject: {
      getAsync: (cb: Callback) => {
        cb(ok('Quarterly report'));
      },
    },
    body: {
      getAsync: (coercion: string, cb: Callback) => {
        coercions.push(coercion);
        cb(ok('Body text'));
      },
    },
    getAttachmentsAsync: (cb: Callback) => {
      cb(ok([{ id: '1', name: 'scan.pdf', size: 10, attachmentType: 'file', isInline: false }]));
    },
    sensitivityLabel: {
      getAsync: (cb: Callback) => {
        cb(ok('9fbde396-1a24-4c79-8edf-9254a0f35055'));
      },
    },
    sessionData: {
      getAsync: (key: string, cb: Callback) => {
        cb(session.has(key) ? ok(session.get(key)) : failed(9057));
      },
      setAsync: (key: string, value: string, cb: Callback) => {
        session.set(key, value);
        cb(ok(undefined));
      },
    },
    ...overrides.item,
  };
  const version = overrides.version ?? '1.15';
  const seed = {
    host: 'outlook',
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    CoercionType: { Text: 'text', Html: 'html' },
    context: {
      displayLanguage: overrides.language ?? 'en-US',
      requirements: {
        isSetSupported: (name: string, min: string) =>
          name === 'Mailbox' && Number(min.split('.')[1]) <= Number(version.split('.')[1]),
      },
      mailbox: { userProfile: { emailAddress: 'me@sender.example' }, item },
    },
  };
  // office-addin-mock types its seed as a class, but takes a plain object, as its docs show.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const mock = new OfficeMockObject(seed);
  (globalThis as { Office?: unknown }).Office = mock;
  return { session, coercions };
}

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

describe('officeComposeItem', () => {
  it('reads recipients from to, cc and bcc', async () => {
    install();
    expect(await officeComposeItem().recipients()).toEqual({
      to: [{ emailAddress: 'ann@a.example', displayName: 'Ann' }],
      cc: [{ emailAddress: 'bob@b.example', displayName: '' }],
      bcc: [],
    });
  });

  it('reads the subject, the body as text, and attachment names', async () => {
    const { coercions } = install();
    const item = officeComposeItem();
    expect(await item.subject()).toBe('Quarterly report');
    expect(await item.bodyText()).toBe('Body text');
    expect(coercions).toEqual(['text']);
    expect(await item.attachmentNames()).toEqual(['scan.pdf']);
  });

  it('reads the sensitivity label only where Mailbox 1.13 is supported', async () => {
    install({ version: '1.13' });
    expect(await officeComposeItem().sensitivityLabelId()).toBe('9fbde396-1a24-4c79-8edf-9254a0f35055');
    install({ version: '1.12' });
    expect(await officeComposeItem().sensitivityLabelId()).toBeNull();
    install({
      item: {
        sensitivityLabel: {
          getAsync: (cb: Callback) => {
            cb(ok(''));
          },
        },
      },
    });
    expect(await officeComposeItem().sensitivityLabelId()).toBeNull();
  });

  it('keeps values in sessionData, and reads a missing key as null', async () => {
    install();
    const item = officeComposeItem();
    expect(await item.sessionGet('k')).toBeNull();
    await item.sessionSet('k', 'v');
    expect(await item.sessionGet('k')).toBe('v');
  });

  it('keeps the Send Anyway attempt id in sessionData, and forgets it', async () => {
    const { session } = install();
    const item = officeComposeItem();
    expect(await item.sendAttempt()).toBeNull();
    expect(await item.setSendAttempt('attempt-0123456789')).toBe(true);
    expect(session.get('tlsgate.attempt.v1')).toBe('attempt-0123456789');
    expect(await item.sendAttempt()).toBe('attempt-0123456789');
    expect(await item.setSendAttempt(null)).toBe(true);
    expect(await item.sendAttempt()).toBeNull();
    // Anything else found under the key is not an attempt id.
    session.set('tlsgate.attempt.v1', 'not an id');
    expect(await item.sendAttempt()).toBeNull();
  });

  it('does without the attempt id where sessionData is missing or fails (before Mailbox 1.11)', async () => {
    install({ version: '1.10' });
    expect(await officeComposeItem().setSendAttempt('attempt-0123456789')).toBe(false);
    expect(await officeComposeItem().sendAttempt()).toBeNull();
    install({ item: { sessionData: undefined } });
    expect(await officeComposeItem().setSendAttempt('attempt-0123456789')).toBe(false);
    expect(await officeComposeItem().sendAttempt()).toBeNull();
  });

  it('turns a failed call into an OfficeCallError with the Office code', async () => {
    install({
      item: {
        subject: {
          getAsync: (cb: Callback) => {
            cb(failed(9002));
          },
        },
      },
    });
    const error = (await officeComposeItem()
      .subject()
      .catch((e: unknown) => e)) as OfficeCallError;
    expect(error).toBeInstanceOf(OfficeCallError);
    expect(error).toMatchObject({ operation: 'subject.getAsync', officeCode: 9002 });
  });

  it('turns a throwing call into an OfficeCallError', async () => {
    install({
      item: {
        to: {
          getAsync: () => {
            throw new Error('boom');
          },
        },
      },
    });
    await expect(officeComposeItem().recipients()).rejects.toBeInstanceOf(OfficeCallError);
  });
});

describe('officeMailbox', () => {
  it.each([
    ['nl-NL', 'nl'],
    ['nl-BE', 'nl'],
    ['en-GB', 'en'],
    ['de-DE', 'en'],
  ])('maps display language %s to %s', (displayLanguage, language) => {
    install({ language: displayLanguage });
    expect(officeMailbox().language).toBe(language);
  });

  it('reports the user and the requirement sets', () => {
    install({ version: '1.13' });
    const mailbox = officeMailbox();
    expect(mailbox.userEmail).toBe('me@sender.example');
    expect(mailbox.supports('1.13')).toBe(true);
    expect(mailbox.supports('1.14')).toBe(false);
  });
});
