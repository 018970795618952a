/**
 * An in-page implementation of the Office.js subset TLS Gate uses: the compose item (recipients, subject,
 * body, attachments, sensitivity label, sessionData, RecipientsChanged, the Smart Alert's initialization
 * context), the mailbox, the theme, Office.actions.associate and Office.onReady. The /try page runs the
 * real launchevent.js and task pane against it; tests use it in jsdom and Chromium. No DOM needed.
 *
 * Like Outlook, every call answers asynchronously with an AsyncResult, and getAsync on recipients returns
 * copies, so callers cannot change the draft by mutating what they were given.
 */

export type ShimField = 'to' | 'cc' | 'bcc';

export interface ShimRecipient {
  emailAddress: string;
  displayName: string;
}

export interface ShimDraft {
  to: ShimRecipient[];
  cc: ShimRecipient[];
  bcc: ShimRecipient[];
  subject: string;
  body: string;
  attachments: Array<{ id: string; name: string; size: number; attachmentType: string; isInline: boolean }>;
  sensitivityLabel: string;
  sessionData: Record<string, string>;
}

export interface ShimTheme {
  bodyBackgroundColor: string;
  bodyForegroundColor: string;
  controlBackgroundColor: string;
  controlForegroundColor: string;
}

/** Outlook's own colours for its light and dark (Black) themes. */
export const THEMES: Readonly<Record<'light' | 'dark', ShimTheme>> = {
  light: {
    bodyBackgroundColor: '#ffffff',
    bodyForegroundColor: '#242424',
    controlBackgroundColor: '#ffffff',
    controlForegroundColor: '#242424',
  },
  dark: {
    bodyBackgroundColor: '#292929',
    bodyForegroundColor: '#ffffff',
    controlBackgroundColor: '#1f1f1f',
    controlForegroundColor: '#ffffff',
  },
};

export interface ShimOptions {
  draft?: Partial<ShimDraft>;
  /** Highest Mailbox requirement set reported, e.g. '1.14' (default '1.15'). */
  mailboxVersion?: string;
  displayLanguage?: string;
  userEmail?: string;
  theme?: 'light' | 'dark' | ShimTheme;
  /** The Smart Alert's contextData, as getInitializationContextAsync returns it. */
  initializationContext?: string | null;
  /** Delay of every answer in ms (default 0: the next task, as in Outlook). */
  latencyMs?: number;
}

/** What a launch-event handler passes to event.completed. */
export type CompletedOptions = Record<string, unknown>;

export interface OfficeShim {
  /** Assign to `window.Office` (or a vm context's `Office`). */
  Office: Record<string, unknown>;
  draft: ShimDraft;
  /** Handlers launchevent.js registered with Office.actions.associate. */
  actions: Map<string, (event: unknown) => unknown>;
  /** Draft writes made through the API (e.g. `to.setAsync`), in order. */
  writes: string[];
  /** Replaces a recipient field as the user would, and raises RecipientsChanged. */
  setRecipients(field: ShimField, recipients: ReadonlyArray<string | Partial<ShimRecipient>>): void;
  setSubject(subject: string): void;
  setBody(body: string): void;
  setInitializationContext(data: string | null): void;
  setTheme(theme: 'light' | 'dark' | ShimTheme): void;
  setDisplayLanguage(language: string): void;
  /** Runs an associated launch-event handler and resolves with what it passed to event.completed. */
  runLaunchEvent(name: string, event?: Record<string, unknown>): Promise<CompletedOptions | undefined>;
}

const SUCCEEDED = 'succeeded';
const FAILED = 'failed';

type AsyncCallback = (result: unknown) => void;
type Handler = (args: unknown) => void;

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

function toRecipient(value: string | Partial<ShimRecipient>): ShimRecipient {
  if (typeof value === 'string') return { emailAddress: value.trim(), displayName: '' };
  return { emailAddress: (value.emailAddress ?? '').trim(), displayName: value.displayName ?? '' };
}

/** The callback is the last function argument; Office.js methods take optional options before it. */
function callbackOf(args: readonly unknown[]): AsyncCallback | undefined {
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i];
    if (typeof arg === 'function') return arg as AsyncCallback;
  }
  return undefined;
}

export function createOfficeShim(options: ShimOptions = {}): OfficeShim {
  const draft: ShimDraft = {
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
  const version = options.mailboxVersion ?? '1.15';
  const latency = options.latencyMs ?? 0;
  const actions = new Map<string, (event: unknown) => unknown>();
  const writes: string[] = [];
  const itemHandlers = new Map<string, Handler[]>();
  const mailboxHandlers = new Map<string, Handler[]>();
  let initializationContext = options.initializationContext ?? null;

  const later = (fn: () => void): void => {
    setTimeout(fn, latency);
  };
  const succeed = (callback: AsyncCallback | undefined, value: unknown): void => {
    later(() => callback?.({ status: SUCCEEDED, value, error: undefined }));
  };
  const fail = (callback: AsyncCallback | undefined, code: number, name: string, message: string): void => {
    later(() => callback?.({ status: FAILED, value: undefined, error: { code, name, message } }));
  };

  /** Handlers of a page that has gone (a reloaded task pane) throw or do nothing; the others still run. */
  const raise = (handlers: Map<string, Handler[]>, type: string, args: Record<string, unknown>): void => {
    for (const handler of handlers.get(type) ?? [])
      later(() => {
        try {
          handler({ type, ...args });
        } catch {
          // a handler of a page that no longer exists
        }
      });
  };

  const EventType = {
    RecipientsChanged: 'olkRecipientsChanged',
    OfficeThemeChanged: 'officeThemeChanged',
  };

  const recipientsChanged = (field: ShimField): void => {
    raise(itemHandlers, EventType.RecipientsChanged, {
      changedRecipientFields: { to: field === 'to', cc: field === 'cc', bcc: field === 'bcc' },
    });
  };

  const recipientField = (field: ShimField) => ({
    getAsync: (...args: unknown[]) => {
      succeed(
        callbackOf(args),
        draft[field].map((r) => ({
          emailAddress: r.emailAddress,
          displayName: r.displayName,
          recipientType: 'externalUser',
        })),
      );
    },
    setAsync: (recipients: ReadonlyArray<string | Partial<ShimRecipient>>, ...rest: unknown[]) => {
      writes.push(`${field}.setAsync`);
      draft[field] = recipients.map(toRecipient);
      succeed(callbackOf(rest), undefined);
      recipientsChanged(field);
    },
    addAsync: (recipients: ReadonlyArray<string | Partial<ShimRecipient>>, ...rest: unknown[]) => {
      writes.push(`${field}.addAsync`);
      draft[field] = [...draft[field], ...recipients.map(toRecipient)];
      succeed(callbackOf(rest), undefined);
      recipientsChanged(field);
    },
  });

  const addHandler =
    (handlers: Map<string, Handler[]>) =>
    (type: string, handler: Handler, ...rest: unknown[]): void => {
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
      succeed(callbackOf(rest), undefined);
    };
  const removeHandler =
    (handlers: Map<string, Handler[]>) =>
    (type: string, ...rest: unknown[]): void => {
      handlers.delete(type);
      succeed(callbackOf(rest), undefined);
    };

  const item = {
    itemType: 'message',
    to: recipientField('to'),
    cc: recipientField('cc'),
    bcc: recipientField('bcc'),
    subject: {
      getAsync: (...args: unknown[]) => {
        succeed(callbackOf(args), draft.subject);
      },
      setAsync: (subject: string, ...rest: unknown[]) => {
        writes.push('subject.setAsync');
        draft.subject = subject;
        succeed(callbackOf(rest), undefined);
      },
    },
    body: {
      // The draft body is plain text here; Text and Html coercions both return it.
      getAsync: (...args: unknown[]) => {
        succeed(callbackOf(args), draft.body);
      },
      setAsync: (body: string, ...rest: unknown[]) => {
        writes.push('body.setAsync');
        draft.body = body;
        succeed(callbackOf(rest), undefined);
      },
    },
    getAttachmentsAsync: (...args: unknown[]) => {
      succeed(
        callbackOf(args),
        draft.attachments.map((a) => ({ ...a })),
      );
    },
    sensitivityLabel: {
      getAsync: (...args: unknown[]) => {
        succeed(callbackOf(args), draft.sensitivityLabel);
      },
    },
    sessionData: {
      getAsync: (key: string, ...rest: unknown[]) => {
        if (key in draft.sessionData) succeed(callbackOf(rest), draft.sessionData[key]);
        else fail(callbackOf(rest), 9057, 'KeyNotFound', `No session data for ${key}.`);
      },
      setAsync: (key: string, value: string, ...rest: unknown[]) => {
        draft.sessionData[key] = value;
        succeed(callbackOf(rest), undefined);
      },
      getAllAsync: (...args: unknown[]) => {
        succeed(callbackOf(args), { ...draft.sessionData });
      },
    },
    addHandlerAsync: addHandler(itemHandlers),
    removeHandlerAsync: removeHandler(itemHandlers),
    getInitializationContextAsync: (...args: unknown[]) => {
      // Outlook answers with an empty string when the pane was not opened by a Smart Alert.
      succeed(callbackOf(args), initializationContext ?? '');
    },
  };

  const context = {
    displayLanguage: options.displayLanguage ?? 'en-US',
    officeTheme: { ...resolveTheme(options.theme ?? 'light') },
    requirements: {
      isSetSupported: (name: string, minVersion?: string) =>
        name === 'Mailbox' && compareVersions(version, minVersion ?? '1.1') >= 0,
    },
    mailbox: {
      userProfile: {
        emailAddress: options.userEmail ?? 'you@contoso.example',
        displayName: 'You',
        timeZone: 'UTC',
      },
      item,
      addHandlerAsync: addHandler(mailboxHandlers),
      removeHandlerAsync: removeHandler(mailboxHandlers),
    },
  };

  const Office = {
    onReady: (callback?: (info: unknown) => void) => {
      const info = { host: 'Outlook', platform: 'OfficeOnline' };
      callback?.(info);
      return Promise.resolve(info);
    },
    actions: {
      associate: (name: string, fn: (event: unknown) => unknown) => {
        actions.set(name, fn);
      },
    },
    AsyncResultStatus: { Succeeded: SUCCEEDED, Failed: FAILED },
    CoercionType: { Text: 'text', Html: 'html' },
    EventType,
    HostType: { Outlook: 'Outlook' },
    MailboxEnums: { SendModeOverride: { PromptUser: 'promptUser' } },
    context,
  };

  return {
    Office,
    draft,
    actions,
    writes,
    setRecipients(field, recipients) {
      draft[field] = recipients.map(toRecipient).filter((r) => r.emailAddress !== '');
      recipientsChanged(field);
    },
    setSubject(subject) {
      draft.subject = subject;
    },
    setBody(body) {
      draft.body = body;
    },
    setInitializationContext(data) {
      initializationContext = data;
    },
    setTheme(theme) {
      context.officeTheme = { ...resolveTheme(theme) };
      raise(mailboxHandlers, EventType.OfficeThemeChanged, { officeTheme: context.officeTheme });
    },
    setDisplayLanguage(language) {
      context.displayLanguage = language;
    },
    runLaunchEvent(name, event = {}) {
      const handler = actions.get(name);
      if (!handler) return Promise.reject(new Error(`${name} was not associated`));
      return new Promise((resolve) => {
        handler({
          type: name,
          ...event,
          completed: (completedOptions?: CompletedOptions) => {
            resolve(completedOptions);
          },
        });
      });
    },
  };
}

function resolveTheme(theme: 'light' | 'dark' | ShimTheme): ShimTheme {
  return typeof theme === 'string' ? THEMES[theme] : theme;
}
