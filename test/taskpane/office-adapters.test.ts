/**
 * @jest-environment jsdom
 */
import { OfficeMockObject } from 'office-addin-mock';
import { OfficeBootError, waitForOffice } from '../../addin/office/boot';
import { officeTaskpane } from '../../addin/office/compose';
import { createOfficeShim } from '../../addin/try/office-shim';

/** The task pane's Office.js adapters, against office-addin-mock (where Outlook would be) and the shim. */

type Callback = (result: unknown) => void;
const ok = (value: unknown) => ({ status: 'succeeded', value });
const failed = (code: number) => ({ status: 'failed', error: { code, name: 'Error', message: 'nope' } });

interface Fields {
  to: Array<{ emailAddress: string; displayName: string }>;
  cc: Array<{ emailAddress: string; displayName: string }>;
  bcc: Array<{ emailAddress: string; displayName: string }>;
}

function install(options: { item?: Record<string, unknown>; theme?: unknown; fields?: Fields } = {}) {
  const fields: Fields = options.fields ?? { to: [], cc: [], bcc: [] };
  const sets: Array<{ field: string; value: unknown }> = [];
  const handlers: Array<{ type: unknown; handler: unknown }> = [];
  const field = (name: keyof Fields) => ({
    getAsync: (cb: Callback) => {
      cb(ok(fields[name].map((r) => ({ ...r, recipientType: 'externalUser' }))));
    },
    setAsync: (value: Fields['to'], cb: Callback) => {
      sets.push({ field: name, value });
      fields[name] = value;
      cb(ok(undefined));
    },
  });
  const seed = {
    host: 'outlook',
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    EventType: { RecipientsChanged: 'olkRecipientsChanged', OfficeThemeChanged: 'officeThemeChanged' },
    context: {
      displayLanguage: 'en-US',
      officeTheme: options.theme,
      requirements: { isSetSupported: () => true },
      mailbox: {
        userProfile: { emailAddress: 'me@sender.example' },
        item: {
          to: field('to'),
          cc: field('cc'),
          bcc: field('bcc'),
          addHandlerAsync: (type: unknown, handler: unknown, cb: Callback) => {
            handlers.push({ type, handler });
            cb(ok(undefined));
          },
          removeHandlerAsync: (_type: unknown, cb: Callback) => {
            handlers.length = 0;
            cb(ok(undefined));
          },
          ...options.item,
        },
      },
    },
  };
  // office-addin-mock types its seed as a class, but takes a plain object, as its docs show.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  (globalThis as { Office?: unknown }).Office = new OfficeMockObject(seed);
  return { fields, sets, handlers };
}

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

const person = (emailAddress: string, displayName = '') => ({ emailAddress, displayName });

describe('officeTaskpane().removeRecipients', () => {
  it('rewrites only the fields that held them, matching addresses case-insensitively', async () => {
    const { fields, sets } = install({
      fields: {
        to: [person('Ann@Plain.example', 'Ann'), person('carol@secure.example', 'Carol')],
        cc: [person('erin@secure.example')],
        bcc: [person('bob@plain.example')],
      },
    });
    expect(await officeTaskpane().removeRecipients(['ann@plain.example', 'bob@plain.example'])).toEqual([
      'to',
      'bcc',
    ]);
    expect(sets).toEqual([
      { field: 'to', value: [{ displayName: 'Carol', emailAddress: 'carol@secure.example' }] },
      { field: 'bcc', value: [] },
    ]);
    expect(fields.cc).toEqual([person('erin@secure.example')]);
  });

  it('writes nothing when none of them is a recipient', async () => {
    const { sets } = install({ fields: { to: [person('carol@secure.example')], cc: [], bcc: [] } });
    expect(await officeTaskpane().removeRecipients(['nobody@plain.example'])).toEqual([]);
    expect(sets).toEqual([]);
  });
});

describe('officeTaskpane().initializationContext', () => {
  it("returns the Smart Alert's contextData, and null when there is none or the call fails", async () => {
    install({
      item: {
        getInitializationContextAsync: (cb: Callback) => {
          cb(ok('{"reason":"blocked"}'));
        },
      },
    });
    expect(await officeTaskpane().initializationContext()).toBe('{"reason":"blocked"}');
    install({
      item: {
        getInitializationContextAsync: (cb: Callback) => {
          cb(ok(''));
        },
      },
    });
    expect(await officeTaskpane().initializationContext()).toBeNull();
    install({
      item: {
        getInitializationContextAsync: (cb: Callback) => {
          cb(failed(9020));
        },
      },
    });
    expect(await officeTaskpane().initializationContext()).toBeNull();
    // Older clients have no such method.
    install();
    expect(await officeTaskpane().initializationContext()).toBeNull();
  });

  it('accepts the object newer Windows builds hand over', async () => {
    install({
      item: {
        getInitializationContextAsync: (cb: Callback) => {
          cb(ok({ reason: 'blocked' }));
        },
      },
    });
    expect(await officeTaskpane().initializationContext()).toBe('{"reason":"blocked"}');
  });
});

describe('officeTaskpane().theme', () => {
  it('reads dark from the body colours (Outlook has no isDarkTheme) and copes without a theme', () => {
    install({ theme: { bodyBackgroundColor: '#292929', bodyForegroundColor: '#ffffff' } });
    expect(officeTaskpane().theme()).toEqual({
      dark: true,
      bodyBackground: '#292929',
      bodyForeground: '#ffffff',
    });
    install({ theme: { bodyBackgroundColor: '#FFFFFF', bodyForegroundColor: '#242424' } });
    expect(officeTaskpane().theme()?.dark).toBe(false);
    install({ theme: undefined });
    expect(officeTaskpane().theme()).toBeNull();
  });

  it('follows theme changes where the host raises them', async () => {
    const shim = createOfficeShim({ theme: 'light' });
    (globalThis as { Office?: unknown }).Office = shim.Office;
    const seen: boolean[] = [];
    const stop = await officeTaskpane().onThemeChanged((theme) => seen.push(theme.dark));
    shim.setTheme('dark');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([true]);
    await stop();
    shim.setTheme('light');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([true]);
  });
});

describe('officeTaskpane().onRecipientsChanged', () => {
  it('registers for RecipientsChanged and unregisters', async () => {
    const { handlers } = install();
    let calls = 0;
    const stop = await officeTaskpane().onRecipientsChanged(() => calls++);
    expect(handlers.map((h) => h.type)).toEqual(['olkRecipientsChanged']);
    (handlers[0]?.handler as (args: unknown) => void)({ type: 'olkRecipientsChanged' });
    expect(calls).toBe(1);
    await stop();
    expect(handlers).toEqual([]);
  });
});

describe('waitForOffice', () => {
  afterEach(() => {
    delete (window as { Office?: unknown }).Office;
  });

  it('uses an Office already on the page (injected, or loaded from the CDN)', async () => {
    (window as { Office?: unknown }).Office = createOfficeShim().Office;
    await expect(waitForOffice({ timeoutMs: 200 })).resolves.toBeUndefined();
  });

  it("takes the Office of a same-origin host page (/try) before waiting for the CDN's", async () => {
    const parentOffice = createOfficeShim().Office;
    const child = { Office: undefined as unknown, parent: { Office: parentOffice } } as unknown as Window;
    await waitForOffice({ win: child, timeoutMs: 200 });
    expect((child as unknown as { Office: unknown }).Office).toBe(parentOffice);
  });

  it('gives up when office.js never arrives, or is not in Outlook', async () => {
    const error = (await waitForOffice({ timeoutMs: 100 }).catch((e: unknown) => e)) as OfficeBootError;
    expect(error).toBeInstanceOf(OfficeBootError);
    expect(error.failure).toBe('no-office');

    // office.js outside Outlook: ready, but no mailbox.
    (window as { Office?: unknown }).Office = { onReady: () => Promise.resolve({ host: null }), context: {} };
    const outside = (await waitForOffice({ timeoutMs: 100 }).catch((e: unknown) => e)) as OfficeBootError;
    expect(outside.failure).toBe('not-in-outlook');
  });

  it('does not reach into a cross-origin parent (Outlook on the web)', async () => {
    const child = {
      Office: undefined as unknown,
      get parent(): never {
        throw new DOMException('Blocked a frame with origin', 'SecurityError');
      },
    } as unknown as Window;
    const error = (await waitForOffice({ win: child, timeoutMs: 100 }).catch(
      (e: unknown) => e,
    )) as OfficeBootError;
    expect(error.failure).toBe('no-office');
  });
});
