/**
 * The one stand-in for the Office.js subset TLS Gate uses: the compose item (recipients, subject, body,
 * attachments, sensitivity label, sessionData, RecipientsChanged, sendAsync, the Smart Alert's
 * initialization context), the mailbox, roaming settings, OfficeRuntime.storage, the theme,
 * Office.actions.associate and Office.onReady. The /try page runs the real launchevent.js and task pane
 * against it; the tests and benchmarks run the same code against it in a vm, in jsdom and in Chromium. No
 * DOM needed.
 *
 * Like Outlook, every call answers asynchronously with an AsyncResult, and getters return copies, so callers
 * cannot change the draft by mutating what they were given. Every call is recorded (`calls`), every change
 * to the draft too (`writes`, only once it succeeded), and any call can be made to fail (`faults`).
 */
import { compareVersions, createAnswers, FAILED, OfficeFailure, SUCCEEDED } from './office-shim-calls';
import { roamingSettings, runtimeStorage } from './office-shim-storage';
import {
  THEMES,
  type CompletedOptions,
  type OfficeShim,
  type ShimDraft,
  type ShimField,
  type ShimOptions,
  type ShimRecipient,
  type ShimTheme,
} from './office-shim-types';

export * from './office-shim-types';

type Handler = (args: unknown) => void;

function toRecipient(value: string | Partial<ShimRecipient>): ShimRecipient {
  if (typeof value === 'string') return { emailAddress: value.trim(), displayName: '' };
  return { emailAddress: (value.emailAddress ?? '').trim(), displayName: value.displayName ?? '' };
}

/** The bytes a base64 string holds, without Node's Buffer (this ships to the browser). */
function base64Size(base64: string): number {
  return atob(base64).length;
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
  const answers = createAnswers(draft, options.faults ?? [], options.latencyMs ?? 0);
  const { calls, later, answer } = answers;
  const actions = new Map<string, (event: unknown) => unknown>();
  const writes: string[] = [];
  const itemHandlers = new Map<string, Handler[]>();
  const mailboxHandlers = new Map<string, Handler[]>();
  const roamingCounter = { saves: 0 };
  let initializationContext = options.initializationContext ?? null;
  let nextAttachmentId = 100;

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

  /** A write to the draft: made, and recorded as `record`, only when the call succeeds. */
  const write = (name: string, args: readonly unknown[], change: () => unknown, record = name): boolean =>
    answer(name, args, () => {
      const value = change();
      writes.push(record);
      return value;
    });

  const recipientField = (field: ShimField) => {
    const change =
      (how: 'setAsync' | 'addAsync') =>
      (recipients: ReadonlyArray<string | Partial<ShimRecipient>>, ...rest: unknown[]) => {
        const done = write(`${field}.${how}`, rest, () => {
          const given = recipients.map(toRecipient);
          draft[field] = how === 'setAsync' ? given : [...draft[field], ...given];
        });
        if (done) recipientsChanged(field);
      };
    return {
      getAsync: (...args: unknown[]) =>
        answer(`${field}.getAsync`, args, () =>
          draft[field].map((r) => ({
            emailAddress: r.emailAddress,
            displayName: r.displayName ?? '',
            recipientType: 'externalUser',
          })),
        ),
      setAsync: change('setAsync'),
      addAsync: change('addAsync'),
    };
  };

  const addHandler =
    (name: string, handlers: Map<string, Handler[]>) =>
    (type: string, handler: Handler, ...rest: unknown[]): void => {
      // Registered as the call is made: a change right after it is already seen.
      answer(name, rest, () => {
        handlers.set(type, [...(handlers.get(type) ?? []), handler]);
      });
    };
  const removeHandler =
    (name: string, handlers: Map<string, Handler[]>) =>
    (type: string, ...rest: unknown[]): void => {
      answer(name, rest, () => {
        handlers.delete(type);
      });
    };

  const item = {
    itemType: 'message',
    to: recipientField('to'),
    cc: recipientField('cc'),
    bcc: recipientField('bcc'),
    subject: {
      getAsync: (...args: unknown[]) => answer('subject.getAsync', args, () => draft.subject),
      setAsync: (subject: string, ...rest: unknown[]) =>
        write('subject.setAsync', rest, () => {
          draft.subject = subject;
        }),
    },
    body: {
      getAsync: (coercion: unknown, ...rest: unknown[]) =>
        answer('body.getAsync', [coercion, ...rest], () =>
          options.bodyType === 'html' && coercion === 'text'
            ? draft.body.replace(/<[^>]*>/g, '')
            : draft.body,
        ),
      setAsync: (body: string, ...rest: unknown[]) =>
        write('body.setAsync', rest, () => {
          draft.body = body;
        }),
      prependAsync: (text: string, ...rest: unknown[]) =>
        write('body.prependAsync', rest, () => {
          draft.body = text + draft.body;
        }),
    },
    getAttachmentsAsync: (...args: unknown[]) =>
      answer('getAttachmentsAsync', args, () =>
        draft.attachments.map(({ id, name, size, attachmentType, isInline }) => ({
          id,
          name,
          size,
          attachmentType,
          isInline,
        })),
      ),
    getAttachmentContentAsync: (id: string, ...rest: unknown[]) =>
      answer('getAttachmentContentAsync', rest, () => {
        const found = draft.attachments.find((a) => a.id === id);
        if (!found) throw new Error(`no attachment ${id}`);
        return { format: 'base64', content: found.base64 ?? '' };
      }),
    removeAttachmentAsync: (id: string, ...rest: unknown[]) =>
      write(
        'removeAttachmentAsync',
        rest,
        () => {
          draft.attachments = draft.attachments.filter((a) => a.id !== id);
        },
        `removeAttachmentAsync:${id}`,
      ),
    addFileAttachmentFromBase64Async: (base64: string, name: string, ...rest: unknown[]) => {
      const addOptions = rest[0] as { isInline?: boolean } | undefined;
      const isInline = typeof addOptions === 'object' && addOptions.isInline === true;
      write(
        'addFileAttachmentFromBase64Async',
        rest,
        () => {
          const id = `new-${nextAttachmentId++}`;
          draft.attachments.push({
            id,
            name,
            size: base64Size(base64),
            attachmentType: 'file',
            isInline,
            base64,
          });
          return id;
        },
        `addFileAttachmentFromBase64Async:${name}`,
      );
    },
    ...(options.sendAsync === true
      ? { sendAsync: (...args: unknown[]) => write('sendAsync', args, () => undefined) }
      : {}),
    sensitivityLabel: {
      getAsync: (...args: unknown[]) =>
        answer('sensitivityLabel.getAsync', args, () => draft.sensitivityLabel),
    },
    sessionData: {
      getAsync: (key: string, ...rest: unknown[]) =>
        answer('sessionData.getAsync', rest, () => {
          if (!(key in draft.sessionData))
            throw new OfficeFailure(9057, 'KeyNotFound', `No session data for ${key}.`);
          return draft.sessionData[key];
        }),
      setAsync: (key: string, value: string, ...rest: unknown[]) =>
        answer('sessionData.setAsync', rest, () => {
          draft.sessionData[key] = value;
        }),
      getAllAsync: (...args: unknown[]) =>
        answer('sessionData.getAllAsync', args, () => ({ ...draft.sessionData })),
    },
    addHandlerAsync: addHandler('addHandlerAsync', itemHandlers),
    removeHandlerAsync: removeHandler('removeHandlerAsync', itemHandlers),
    // Outlook answers with an empty string when the pane was not opened by a Smart Alert.
    getInitializationContextAsync: (...args: unknown[]) =>
      answer('getInitializationContextAsync', args, () => initializationContext ?? ''),
  };

  // Outlook's read form: the same message, as values; only the body is read through a call.
  const details = (field: ShimField) =>
    draft[field].map((r) => ({ emailAddress: r.emailAddress, displayName: r.displayName ?? '' }));
  const readItem = {
    itemType: 'message',
    subject: draft.subject,
    to: details('to'),
    cc: details('cc'),
    body: { getAsync: item.body.getAsync },
    addHandlerAsync: item.addHandlerAsync,
    removeHandlerAsync: item.removeHandlerAsync,
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
      item: options.mode === 'read' ? readItem : item,
      addHandlerAsync: addHandler('mailbox.addHandlerAsync', mailboxHandlers),
      removeHandlerAsync: removeHandler('mailbox.removeHandlerAsync', mailboxHandlers),
    },
    ...(options.roaming
      ? { roamingSettings: roamingSettings(options.roaming, answers, roamingCounter) }
      : {}),
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
    OfficeRuntime: options.runtimeStorage ? runtimeStorage(options.runtimeStorage, answers) : undefined,
    draft,
    actions,
    writes,
    calls,
    roamingSaves: () => roamingCounter.saves,
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
