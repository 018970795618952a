/**
 * A stand-in for the Office.js mailbox subset TLS Gate uses, for running the built handlers in a vm and
 * for adapter tests. Calls answer asynchronously, as Outlook's do, and every write is recorded so tests
 * can prove the draft was left alone.
 */

export interface StubRecipient {
  emailAddress: string;
  displayName?: string;
}

export interface DraftState {
  to: StubRecipient[];
  cc: StubRecipient[];
  bcc: StubRecipient[];
  subject: string;
  body: string;
  attachments: Array<{ id: string; name: string; size: number; attachmentType: string; isInline: boolean }>;
  sensitivityLabel: string;
  sessionData: Record<string, string>;
}

export interface StubOptions {
  draft?: Partial<DraftState>;
  /** Highest Mailbox requirement set supported, e.g. '1.14'. */
  mailboxVersion?: string;
  displayLanguage?: string;
  userEmail?: string;
  /** Make this getAsync call fail (or throw). */
  /** `silent`: the callback never comes (a hung Office call). */
  failing?: { call: string; mode: 'error' | 'throw' | 'silent' };
  /**
   * The add-in's roaming settings as the mailbox keeps them. Pass the same object to several stubs to carry
   * them from one session to the next; saveAsync writes into it. Omit for a client without roaming settings.
   */
  roaming?: Record<string, unknown>;
}

export interface OfficeStub {
  Office: Record<string, unknown>;
  handlers: Map<string, (event: unknown) => unknown>;
  draft: DraftState;
  /** Calls that would change the draft (body/subject/recipients/attachments). Must stay empty on send. */
  writes: string[];
  /** How many times roamingSettings.saveAsync was called. */
  roamingSaves: () => number;
}

/** Office's limit for all of an add-in's roaming settings together. */
export const ROAMING_LIMIT_BYTES = 32 * 1024;

/** Roaming settings as Office has them: loaded once when the runtime starts, 32 KB, saved by saveAsync. */
function roamingSettings(saved: Record<string, unknown>, counter: { saves: number }) {
  const clone = (value: unknown): unknown =>
    value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
  let memory = clone(saved) as Record<string, unknown>;
  return {
    get: (name: string) => clone(memory[name]),
    set: (name: string, value: unknown) => {
      const next = { ...memory, [name]: clone(value) };
      if (Buffer.byteLength(JSON.stringify(next)) > ROAMING_LIMIT_BYTES)
        throw Object.assign(new Error('The settings exceed the size limit.'), { code: 9057 });
      memory = next;
    },
    remove: (name: string) => {
      memory = { ...memory };
      Reflect.deleteProperty(memory, name);
    },
    saveAsync: (callback?: (result: unknown) => void) => {
      counter.saves++;
      setTimeout(() => {
        for (const key of Object.keys(saved)) if (!(key in memory)) Reflect.deleteProperty(saved, key);
        Object.assign(saved, clone(memory));
        callback?.({ status: SUCCEEDED, value: undefined });
      }, 0);
    },
  };
}

/** OfficeRuntime.storage (classic Outlook on Windows' event runtime), over `items`, for a vm context. */
export function createRuntimeStorage(items: Record<string, string> = {}) {
  return {
    items,
    OfficeRuntime: {
      storage: {
        getItem: (key: string) => Promise.resolve(key in items ? (items[key] ?? null) : null),
        setItem: (key: string, value: string) => {
          items[key] = value;
          return Promise.resolve();
        },
        removeItem: (key: string) => {
          Reflect.deleteProperty(items, key);
          return Promise.resolve();
        },
      },
    },
  };
}

const SUCCEEDED = 'succeeded';
const FAILED = 'failed';

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

export function createOfficeStub(options: StubOptions = {}): OfficeStub {
  const draft: DraftState = {
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    body: '',
    attachments: [],
    sensitivityLabel: '',
    sessionData: {},
    ...options.draft,
  };
  const handlers = new Map<string, (event: unknown) => unknown>();
  const writes: string[] = [];
  const version = options.mailboxVersion ?? '1.15';
  const roamingCounter = { saves: 0 };

  type Callback = (result: unknown) => void;
  const answer = (name: string, callback: Callback, value: () => unknown): void => {
    if (options.failing?.call === name && options.failing.mode === 'throw')
      throw new Error(`${name} exploded`);
    if (options.failing?.call === name && options.failing.mode === 'silent') return;
    setTimeout(() => {
      if (options.failing?.call === name)
        callback({ status: FAILED, error: { code: 9002, name: 'InternalError', message: `${name} failed` } });
      else callback({ status: SUCCEEDED, value: value() });
    }, 0);
  };
  const lastCallback = (args: unknown[]): Callback => args[args.length - 1] as Callback;
  const recipientsField = (field: 'to' | 'cc' | 'bcc') => ({
    getAsync: (...args: unknown[]) => {
      answer(`${field}.getAsync`, lastCallback(args), () =>
        draft[field].map((r) => ({ emailAddress: r.emailAddress, displayName: r.displayName ?? '' })),
      );
    },
    setAsync: () => writes.push(`${field}.setAsync`),
    addAsync: () => writes.push(`${field}.addAsync`),
  });

  const item = {
    to: recipientsField('to'),
    cc: recipientsField('cc'),
    bcc: recipientsField('bcc'),
    subject: {
      getAsync: (...args: unknown[]) => {
        answer('subject.getAsync', lastCallback(args), () => draft.subject);
      },
      setAsync: () => writes.push('subject.setAsync'),
    },
    body: {
      getAsync: (...args: unknown[]) => {
        answer('body.getAsync', lastCallback(args), () => draft.body);
      },
      setAsync: () => writes.push('body.setAsync'),
      prependAsync: () => writes.push('body.prependAsync'),
    },
    getAttachmentsAsync: (...args: unknown[]) => {
      answer('getAttachmentsAsync', lastCallback(args), () => draft.attachments);
    },
    removeAttachmentAsync: () => writes.push('removeAttachmentAsync'),
    sensitivityLabel: {
      getAsync: (...args: unknown[]) => {
        answer('sensitivityLabel.getAsync', lastCallback(args), () => draft.sensitivityLabel);
      },
    },
    sessionData: {
      getAsync: (key: string, callback: Callback) => {
        if (!(key in draft.sessionData)) {
          setTimeout(() => {
            callback({ status: FAILED, error: { code: 9057, name: 'KeyNotFound', message: 'not found' } });
          }, 0);
          return;
        }
        answer('sessionData.getAsync', callback, () => draft.sessionData[key]);
      },
      setAsync: (key: string, value: string, callback: Callback) => {
        answer('sessionData.setAsync', callback, () => {
          draft.sessionData[key] = value;
          return undefined;
        });
      },
    },
  };

  const Office = {
    actions: {
      associate: (name: string, fn: (event: unknown) => unknown) => {
        handlers.set(name, fn);
      },
    },
    AsyncResultStatus: { Succeeded: SUCCEEDED, Failed: FAILED },
    CoercionType: { Text: 'text', Html: 'html' },
    MailboxEnums: { SendModeOverride: { PromptUser: 'promptUser' } },
    context: {
      displayLanguage: options.displayLanguage ?? 'en-US',
      requirements: {
        isSetSupported: (name: string, minVersion?: string) =>
          name === 'Mailbox' && compareVersions(version, minVersion ?? '1.1') >= 0,
      },
      mailbox: {
        userProfile: { emailAddress: options.userEmail ?? 'sender@sender.example' },
        item,
      },
      ...(options.roaming ? { roamingSettings: roamingSettings(options.roaming, roamingCounter) } : {}),
    },
  };
  return { Office, handlers, draft, writes, roamingSaves: () => roamingCounter.saves };
}
