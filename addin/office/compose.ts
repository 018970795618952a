/**
 * The only code that touches Office.js: typed promise adapters over the compose item and mailbox. Every
 * call is read-only except sessionData, so the send path cannot damage a draft.
 */

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
  attachmentNames(): Promise<string[]>;
  /** The sensitivity label's id, or null where the client has no labels (Mailbox 1.13). */
  sensitivityLabelId(): Promise<string | null>;
  sessionGet(key: string): Promise<string | null>;
  sessionSet(key: string, value: string): Promise<void>;
}

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
    async sessionGet(key) {
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
    },
    async sessionSet(key, value) {
      await call<unknown>('sessionData.setAsync', (cb) => {
        composeItem().sessionData.setAsync(key, value, cb);
      });
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
