/**
 * The only code that touches Office.js: typed promise adapters over the compose item and mailbox. The send
 * path uses only the read-only adapters (and sessionData); writes to the draft (removing recipients, the
 * secure-send body and attachments, restoring them) live in the task pane's adapters below and happen only
 * after the user confirms.
 */

import { officeItemMode, type ItemMode } from './mode';

export interface Recipient {
  emailAddress: string;
  displayName: string;
}

export interface Recipients {
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
}

export class OfficeCallError extends Error {
  constructor(
    readonly operation: string,
    readonly officeCode: number | null,
    message: string,
  ) {
    super(`${operation}: ${message}`);
    this.name = 'OfficeCallError';
  }
}

type Callback<T> = (result: Office.AsyncResult<T>) => void;

/** Turns an Office `xAsync(…, callback)` call into a promise. */
function call<T>(operation: string, start: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      start((result) => {
        if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
        else
          reject(
            new OfficeCallError(
              operation,
              result.error.code,
              result.error.message || 'the call did not succeed',
            ),
          );
      });
    } catch (error) {
      reject(new OfficeCallError(operation, null, error instanceof Error ? error.message : String(error)));
    }
  });
}

function toRecipients(details: Office.EmailAddressDetails[] | undefined): Recipient[] {
  return (details ?? []).map((detail) => ({
    emailAddress: detail.emailAddress || '',
    displayName: detail.displayName || '',
  }));
}

export interface ComposeItem {
  recipients(): Promise<Recipients>;
  subject(): Promise<string>;
  bodyText(): Promise<string>;
  /** The body as HTML (the on-send check looks for a portal notice in it). */
  bodyHtml(): Promise<string>;
  attachmentNames(): Promise<string[]>;
  /** The sensitivity label's id, or null where the client has no labels (Mailbox 1.13). */
  sensitivityLabelId(): Promise<string | null>;
  sessionGet(key: string): Promise<string | null>;
  sessionSet(key: string, value: string): Promise<void>;
  /** The Send Anyway attempt id the last warning in this compose session left, or null. */
  sendAttempt(): Promise<string | null>;
  /**
   * Keeps the attempt id in sessionData (Mailbox 1.11), or with null forgets it. Never rejects: false means
   * it could not be kept (no sessionData), and then no attempt id may be reported.
   */
  setSendAttempt(id: string | null): Promise<boolean>;
}

/** Where the send check keeps the attempt id of a warning that offered Send Anyway. */
export const SEND_ATTEMPT_KEY = 'tlsgate.attempt.v1';
const ATTEMPT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface MailboxInfo {
  userEmail: string;
  /** `en` or `nl`, from Office.context.displayLanguage. */
  language: 'en' | 'nl';
  supports(minVersion: '1.11' | '1.12' | '1.13' | '1.14' | '1.15'): boolean;
}

function composeItem(): Office.MessageCompose {
  return Office.context.mailbox.item as Office.MessageCompose;
}

export function officeComposeItem(): ComposeItem {
  const info = officeMailbox();
  const sessionGet = async (key: string): Promise<string | null> => {
    try {
      const value = await call<string>('sessionData.getAsync', (cb) => {
        composeItem().sessionData.getAsync(key, cb);
      });
      return value || null;
    } catch (error) {
      // A key that was never set is reported as an error; it simply means "nothing stored".
      if (error instanceof OfficeCallError) return null;
      throw error;
    }
  };
  const sessionSet = async (key: string, value: string): Promise<void> => {
    await call<unknown>('sessionData.setAsync', (cb) => {
      composeItem().sessionData.setAsync(key, value, cb);
    });
  };
  return {
    async recipients() {
      const item = composeItem();
      const [to, cc, bcc] = await Promise.all([
        call<Office.EmailAddressDetails[]>('to.getAsync', (cb) => {
          item.to.getAsync(cb);
        }),
        call<Office.EmailAddressDetails[]>('cc.getAsync', (cb) => {
          item.cc.getAsync(cb);
        }),
        call<Office.EmailAddressDetails[]>('bcc.getAsync', (cb) => {
          item.bcc.getAsync(cb);
        }),
      ]);
      return { to: toRecipients(to), cc: toRecipients(cc), bcc: toRecipients(bcc) };
    },
    subject() {
      return call<string>('subject.getAsync', (cb) => {
        composeItem().subject.getAsync(cb);
      });
    },
    bodyText() {
      return call<string>('body.getAsync', (cb) => {
        composeItem().body.getAsync(Office.CoercionType.Text, cb);
      });
    },
    bodyHtml() {
      return call<string>('body.getAsync', (cb) => {
        composeItem().body.getAsync(Office.CoercionType.Html, cb);
      });
    },
    async attachmentNames() {
      const attachments = await call<Office.AttachmentDetailsCompose[]>('getAttachmentsAsync', (cb) => {
        composeItem().getAttachmentsAsync(cb);
      });
      return attachments.map((attachment) => attachment.name);
    },
    async sensitivityLabelId() {
      if (!info.supports('1.13')) return null;
      const id = await call<string>('sensitivityLabel.getAsync', (cb) => {
        composeItem().sensitivityLabel.getAsync(cb);
      });
      return id || null;
    },
    sessionGet,
    sessionSet,
    async sendAttempt() {
      if (!info.supports('1.11')) return null;
      const value = await sessionGet(SEND_ATTEMPT_KEY).catch(() => null);
      return value !== null && ATTEMPT_ID.test(value) ? value : null;
    },
    async setSendAttempt(id) {
      if (!info.supports('1.11')) return false;
      // Forgetting writes an empty value, which reads back as nothing.
      return sessionSet(SEND_ATTEMPT_KEY, id ?? '').then(
        () => true,
        () => false,
      );
    },
  };
}

export function officeMailbox(): MailboxInfo {
  const language = (Office.context.displayLanguage || 'en').toLowerCase().startsWith('nl') ? 'nl' : 'en';
  return {
    userEmail: Office.context.mailbox.userProfile.emailAddress || '',
    language,
    supports(minVersion) {
      // Clients older than the requirement-set API have none of the sets asked about here.
      const requirements = Office.context.requirements as Office.RequirementSetSupport | undefined;
      return requirements?.isSetSupported('Mailbox', minVersion) === true;
    },
  };
}

/** Smart Alerts' Send Anyway override (Mailbox 1.14), for callers that must not touch Office.js. */
export function promptUserSendMode(): Office.MailboxEnums.SendModeOverride {
  return Office.MailboxEnums.SendModeOverride.PromptUser;
}

// ---------------------------------------------------------------------------------------------------------
// Task pane adapters. The pane reads like the send check, plus: live recipient changes, the Smart Alert's
// contextData, the Office theme, and its single write (removing recipients, only after the user confirms).

export type RecipientField = 'to' | 'cc' | 'bcc';

export interface OfficeThemeInfo {
  /** Outlook does not report isDarkTheme; dark is read from the body colours (Microsoft's advice). */
  dark: boolean;
  bodyBackground: string;
  bodyForeground: string;
}

export interface TaskpaneOffice {
  /** Calls `listener` when To, Cc or Bcc change (Mailbox 1.7); resolves to a function that stops it. */
  onRecipientsChanged(listener: () => void): Promise<() => Promise<void>>;
  /**
   * Removes these addresses (case-insensitively) from To, Cc and Bcc and returns the fields it changed. Only
   * resolved recipients are visible to add-ins, so the rewritten fields keep only those.
   */
  removeRecipients(addresses: readonly string[]): Promise<RecipientField[]>;
  /** The contextData of the Smart Alert that opened the pane (Mailbox 1.14), or null. */
  initializationContext(): Promise<string | null>;
  /** The Office theme, or null where the host reports none. */
  theme(): OfficeThemeInfo | null;
  /** Calls `listener` when the Office theme changes, where the host supports it; else does nothing. */
  onThemeChanged(listener: (theme: OfficeThemeInfo) => void): Promise<() => Promise<void>>;
  /** A message being written, or one being read (the pane then shows only "Sent securely"). */
  itemMode(): ItemMode;
}

const FIELDS: readonly RecipientField[] = ['to', 'cc', 'bcc'];

/** Relative luminance of a #rrggbb colour (WCAG); NaN when it cannot be read. */
function luminance(colour: string): number {
  const match = /^#?([0-9a-f]{6})$/i.exec(colour.trim());
  if (!match?.[1]) return NaN;
  const value = Number.parseInt(match[1], 16);
  const channel = (shift: number): number => {
    const c = ((value >> shift) & 255) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

function readTheme(theme: Partial<Office.OfficeTheme> | null | undefined): OfficeThemeInfo | null {
  if (!theme || typeof theme.bodyBackgroundColor !== 'string') return null;
  const light = luminance(theme.bodyBackgroundColor);
  return {
    dark: !Number.isNaN(light) && light < 0.2,
    bodyBackground: theme.bodyBackgroundColor,
    bodyForeground: theme.bodyForegroundColor ?? '',
  };
}

export function officeTaskpane(): TaskpaneOffice {
  return {
    itemMode: officeItemMode,
    async onRecipientsChanged(listener) {
      const item = composeItem();
      await call<unknown>('addHandlerAsync', (cb) => {
        item.addHandlerAsync(
          Office.EventType.RecipientsChanged,
          () => {
            listener();
          },
          cb,
        );
      });
      return async () => {
        await call<unknown>('removeHandlerAsync', (cb) => {
          item.removeHandlerAsync(Office.EventType.RecipientsChanged, cb);
        });
      };
    },
    async removeRecipients(addresses) {
      const remove = new Set(addresses.map((address) => address.trim().toLowerCase()));
      const item = composeItem();
      const changed: RecipientField[] = [];
      // One field at a time: Outlook on the web allows only three calls in flight.
      for (const field of FIELDS) {
        const current = await call<Office.EmailAddressDetails[]>(`${field}.getAsync`, (cb) => {
          item[field].getAsync(cb);
        });
        const keep = toRecipients(current).filter(
          (recipient) => !remove.has(recipient.emailAddress.trim().toLowerCase()),
        );
        if (keep.length === current.length) continue;
        await call<unknown>(`${field}.setAsync`, (cb) => {
          item[field].setAsync(
            keep.map((recipient) => ({
              displayName: recipient.displayName,
              emailAddress: recipient.emailAddress,
            })),
            cb,
          );
        });
        changed.push(field);
      }
      return changed;
    },
    async initializationContext() {
      const item = composeItem() as Office.MessageCompose & { getInitializationContextAsync?: unknown };
      if (typeof item.getInitializationContextAsync !== 'function') return null;
      try {
        const value = await call<unknown>('getInitializationContextAsync', (cb) => {
          composeItem().getInitializationContextAsync(cb as Callback<string>);
        });
        // A string everywhere; Windows from build 2402 may hand over the object itself.
        if (typeof value === 'string') return value || null;
        return value === null || value === undefined ? null : JSON.stringify(value);
      } catch {
        // Opened from the ribbon: there is no context, which some clients report as an error.
        return null;
      }
    },
    theme() {
      // readTheme copes with hosts that have no theme, whatever the typings say.
      return readTheme(Office.context.officeTheme);
    },
    async onThemeChanged(listener) {
      const mailbox = Office.context.mailbox as Office.Mailbox & { addHandlerAsync?: unknown };
      const eventType = (Office.EventType as Partial<typeof Office.EventType>).OfficeThemeChanged;
      if (typeof mailbox.addHandlerAsync !== 'function' || eventType === undefined)
        return () => Promise.resolve();
      try {
        await call<unknown>('mailbox.addHandlerAsync', (cb) => {
          Office.context.mailbox.addHandlerAsync(
            eventType,
            (args: { officeTheme?: Partial<Office.OfficeTheme> }) => {
              const theme = readTheme(args.officeTheme ?? Office.context.officeTheme);
              if (theme) listener(theme);
            },
            cb,
          );
        });
      } catch {
        return () => Promise.resolve();
      }
      return async () => {
        await call<unknown>('mailbox.removeHandlerAsync', (cb) => {
          Office.context.mailbox.removeHandlerAsync(eventType, cb);
        });
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Secure send (the portal): the pane's writes to the draft, each only after the user confirmed and the
// upload succeeded. Attachments need Mailbox 1.8, sendAsync 1.15.

export interface DraftAttachment {
  id: string;
  name: string;
  size: number;
  /** `file`, `item` (an attached message) or `cloud` (a link to OneDrive/SharePoint). */
  kind: 'file' | 'item' | 'cloud';
  isInline: boolean;
}

export interface SecureDraftOffice {
  /** The body as HTML. */
  bodyHtml(): Promise<string>;
  setBodyHtml(html: string): Promise<void>;
  attachments(): Promise<DraftAttachment[]>;
  /** A file attachment's bytes as base64 (Mailbox 1.8). */
  attachmentBase64(id: string): Promise<string>;
  removeAttachment(id: string): Promise<void>;
  /** Adds a file attachment from base64 (Mailbox 1.8); resolves to its new id. */
  addAttachmentFromBase64(base64: string, name: string, isInline: boolean): Promise<string>;
  setRecipients(field: RecipientField, recipients: readonly Recipient[]): Promise<void>;
  /** Sends the draft (Mailbox 1.15). */
  send(): Promise<void>;
}

function attachmentKind(type: unknown): DraftAttachment['kind'] {
  const text = typeof type === 'string' ? type.toLowerCase() : '';
  return text === 'cloud' ? 'cloud' : text === 'item' ? 'item' : 'file';
}

export function officeSecureDraft(): SecureDraftOffice {
  return {
    bodyHtml() {
      return call<string>('body.getAsync', (cb) => {
        composeItem().body.getAsync(Office.CoercionType.Html, cb);
      });
    },
    async setBodyHtml(html) {
      await call<unknown>('body.setAsync', (cb) => {
        composeItem().body.setAsync(html, { coercionType: Office.CoercionType.Html }, cb);
      });
    },
    async attachments() {
      const list = await call<Office.AttachmentDetailsCompose[]>('getAttachmentsAsync', (cb) => {
        composeItem().getAttachmentsAsync(cb);
      });
      return list.map((attachment) => ({
        id: attachment.id,
        name: attachment.name,
        size: attachment.size,
        kind: attachmentKind(attachment.attachmentType),
        isInline: attachment.isInline,
      }));
    },
    async attachmentBase64(id) {
      const content = await call<Office.AttachmentContent>('getAttachmentContentAsync', (cb) => {
        composeItem().getAttachmentContentAsync(id, cb);
      });
      const format: string = content.format;
      if (format.toLowerCase() !== 'base64')
        throw new OfficeCallError('getAttachmentContentAsync', null, `unexpected format ${format}`);
      return content.content;
    },
    async removeAttachment(id) {
      await call<unknown>('removeAttachmentAsync', (cb) => {
        composeItem().removeAttachmentAsync(id, cb);
      });
    },
    addAttachmentFromBase64(base64, name, isInline) {
      return call<string>('addFileAttachmentFromBase64Async', (cb) => {
        composeItem().addFileAttachmentFromBase64Async(base64, name, { isInline }, cb);
      });
    },
    async setRecipients(field, recipients) {
      await call<unknown>(`${field}.setAsync`, (cb) => {
        composeItem()[field].setAsync(
          recipients.map((r) => ({ displayName: r.displayName, emailAddress: r.emailAddress })),
          cb,
        );
      });
    },
    async send() {
      await call<unknown>('sendAsync', (cb) => {
        composeItem().sendAsync(cb);
      });
    },
  };
}
