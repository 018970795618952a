import { OfficeMockObject } from 'office-addin-mock';

/**
 * A compose draft behind office-addin-mock, as "Send securely" sees it: an HTML body, file attachments with
 * their bytes, recipients, subject and sendAsync. Any call can be made to fail (its nth use), and every
 * write is recorded, so tests can prove what was changed and what was put back.
 */

export interface MockRecipient {
  emailAddress: string;
  displayName: string;
}

export interface MockAttachment {
  id: string;
  name: string;
  size: number;
  attachmentType: 'file' | 'item' | 'cloud';
  isInline: boolean;
  base64: string;
}

export interface MockDraft {
  to: MockRecipient[];
  cc: MockRecipient[];
  bcc: MockRecipient[];
  subject: string;
  body: string;
  attachments: MockAttachment[];
}

export interface MockOptions {
  draft?: Partial<MockDraft>;
  /** Highest Mailbox requirement set (default '1.15'). */
  mailboxVersion?: string;
  displayLanguage?: string;
  /** Fail this call the `nth` time it is made (default the first). */
  fail?: { call: string; nth?: number; before?: (draft: MockDraft) => void };
  /** These calls always fail. */
  broken?: string[];
}

export interface MockOutlook {
  draft: MockDraft;
  writes: string[];
  calls: string[];
}

type Callback = (result: unknown) => void;

export const person = (emailAddress: string, displayName = ''): MockRecipient => ({
  emailAddress,
  displayName,
});

export function file(id: string, name: string, bytes: number[], isInline = false): MockAttachment {
  return {
    id,
    name,
    size: bytes.length,
    attachmentType: 'file',
    isInline,
    base64: Buffer.from(bytes).toString('base64'),
  };
}

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Installs the mock as the global `Office`; returns the live draft. */
export function installOutlook(options: MockOptions = {}): MockOutlook {
  const draft: MockDraft = {
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    body: '',
    attachments: [],
    ...structuredClone(options.draft ?? {}),
  };
  const writes: string[] = [];
  const calls: string[] = [];
  const counts = new Map<string, number>();
  let nextId = 100;
  const version = options.mailboxVersion ?? '1.15';

  /** Answers on a later task, as Outlook does; fails when told to. */
  const answer = (name: string, cb: Callback | undefined, work: () => unknown): void => {
    calls.push(name);
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    const failing =
      (options.fail?.call === name && (options.fail.nth ?? 1) === n) ||
      options.broken?.includes(name) === true;
    setTimeout(() => {
      if (failing) {
        options.fail?.before?.(draft);
        cb?.({ status: 'failed', error: { code: 9002, name: 'InternalError', message: `${name} failed` } });
        return;
      }
      let value: unknown;
      try {
        value = work();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        cb?.({ status: 'failed', error: { code: 9999, name: 'Error', message } });
        return;
      }
      cb?.({ status: 'succeeded', value });
    }, 0);
  };
  const last = (args: unknown[]): Callback | undefined => {
    const fn = args[args.length - 1];
    return typeof fn === 'function' ? (fn as Callback) : undefined;
  };
  const field = (name: 'to' | 'cc' | 'bcc') => ({
    getAsync: (...args: unknown[]) => {
      answer(`${name}.getAsync`, last(args), () =>
        draft[name].map((r) => ({ ...r, recipientType: 'other' })),
      );
    },
    setAsync: (value: MockRecipient[], ...args: unknown[]) => {
      answer(`${name}.setAsync`, last(args), () => {
        writes.push(`${name}.setAsync`);
        draft[name] = value.map((r) => ({ emailAddress: r.emailAddress, displayName: r.displayName }));
      });
    },
  });

  const seed = {
    host: 'outlook',
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    CoercionType: { Text: 'text', Html: 'html' },
    context: {
      displayLanguage: options.displayLanguage ?? 'en-US',
      requirements: {
        isSetSupported: (name: string, minVersion?: string) =>
          name === 'Mailbox' && compareVersions(version, minVersion ?? '1.1') >= 0,
      },
      mailbox: {
        userProfile: { emailAddress: 'me@sender.example' },
        item: {
          to: field('to'),
          cc: field('cc'),
          bcc: field('bcc'),
          subject: {
            getAsync: (...args: unknown[]) => {
              answer('subject.getAsync', last(args), () => draft.subject);
            },
          },
          body: {
            getAsync: (coercion: string, ...args: unknown[]) => {
              // The body is HTML; as text, the tags are dropped (enough for these tests).
              answer('body.getAsync', last(args), () =>
                coercion === 'html' ? draft.body : draft.body.replace(/<[^>]*>/g, ''),
              );
            },
            setAsync: (html: string, ...args: unknown[]) => {
              answer('body.setAsync', last(args), () => {
                writes.push('body.setAsync');
                draft.body = html;
              });
            },
          },
          getAttachmentsAsync: (...args: unknown[]) => {
            answer('getAttachmentsAsync', last(args), () =>
              draft.attachments.map(({ id, name, size, attachmentType, isInline }) => ({
                id,
                name,
                size,
                attachmentType,
                isInline,
              })),
            );
          },
          getAttachmentContentAsync: (id: string, ...args: unknown[]) => {
            answer('getAttachmentContentAsync', last(args), () => {
              const found = draft.attachments.find((a) => a.id === id);
              if (!found) throw new Error(`no attachment ${id}`);
              return { format: 'base64', content: found.base64 };
            });
          },
          removeAttachmentAsync: (id: string, ...args: unknown[]) => {
            answer('removeAttachmentAsync', last(args), () => {
              writes.push(`removeAttachmentAsync:${id}`);
              draft.attachments = draft.attachments.filter((a) => a.id !== id);
            });
          },
          addFileAttachmentFromBase64Async: (
            base64: string,
            name: string,
            addOptions: { isInline?: boolean },
            ...args: unknown[]
          ) => {
            answer('addFileAttachmentFromBase64Async', last(args), () => {
              writes.push(`addFileAttachmentFromBase64Async:${name}`);
              const id = `new-${nextId++}`;
              draft.attachments.push({
                id,
                name,
                size: Buffer.from(base64, 'base64').length,
                attachmentType: 'file',
                isInline: addOptions.isInline === true,
                base64,
              });
              return id;
            });
          },
          sendAsync: (...args: unknown[]) => {
            answer('sendAsync', last(args), () => {
              writes.push('sendAsync');
            });
          },
        },
      },
    },
  };
  // office-addin-mock types its seed as a class, but takes a plain object, as its docs show.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  (globalThis as { Office?: unknown }).Office = new OfficeMockObject(seed);
  return { draft, writes, calls };
}

/** What a draft looks like to compare before and after: attachments by name, inline flag and bytes. */
export function contentOf(draft: MockDraft): unknown {
  return {
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    body: draft.body,
    attachments: draft.attachments
      .map((a) => ({ name: a.name, isInline: a.isInline, base64: a.base64 }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
