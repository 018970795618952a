/**
 * "Send securely": the draft goes to the secure portal and leaves as a short notice with the link.
 *
 * Nothing in the draft changes until the upload succeeded. Then the body is replaced, the attachments are
 * removed and (Mailbox 1.15) the message is sent. If any of those steps fails, whatever was already changed
 * is put back: the body, the attachments (re-added from the bytes read before) and the recipients.
 */
import type { Language } from '../../src/core/status';
import type {
  DraftAttachment,
  Recipient,
  RecipientField,
  Recipients,
  SecureDraftOffice,
} from '../office/compose';
import type { ApiClient, ApiErrorKind, PortalFile } from '../shared/api';
import { ApiCallError } from '../shared/api';
import { portalNoticeHtml } from '../shared/portal-notice';

/** Attachments can be large; the upload gets more time than a lookup. */
export const PORTAL_UPLOAD_TIMEOUT_MS = 120_000;

export interface SecureSendEnv {
  draft: SecureDraftOffice;
  api: ApiClient;
  /** Reads the recipients and subject (the same adapter the pane reads with). */
  recipients: () => Promise<Recipients>;
  subject: () => Promise<string>;
  senderEmail: string;
  language: Language;
  /** Whether sendAsync is there (Mailbox 1.15). */
  canSend: boolean;
  /** A shorter expiry the sender chose; left out, the server applies the policy's default. */
  expiresInDays?: number | undefined;
}

export type SecureSendResult =
  /** Sent through the portal; `skippedInline` inline images were not part of it. */
  | { outcome: 'sent'; link: string; skippedInline: number }
  /** The draft now holds the notice; the user presses Send (no sendAsync before Mailbox 1.15). */
  | { outcome: 'ready'; link: string; skippedInline: number }
  /** Refused before anything happened: attachments the portal cannot take (cloud links, messages). */
  | { outcome: 'unsupported-attachments'; names: string[] }
  /** No recipients to give the link to. */
  | { outcome: 'no-recipients' }
  /** The draft could not be read; nothing changed. */
  | { outcome: 'read-failed' }
  /** The upload failed; nothing changed. */
  | { outcome: 'upload-failed'; kind: ApiErrorKind; code: string | null }
  /** A later step failed; the draft was put back as it was (`restored`), or could not be entirely. */
  | { outcome: 'step-failed'; step: 'body' | 'attachments' | 'send'; restored: boolean };

interface FileCopy {
  attachment: DraftAttachment;
  base64: string;
}

const FIELDS: readonly RecipientField[] = ['to', 'cc', 'bcc'];

function uniqueAddresses(recipients: Recipients): string[] {
  const seen = new Map<string, string>();
  for (const field of FIELDS)
    for (const r of recipients[field]) {
      const address = r.emailAddress.trim();
      if (address && !seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
    }
  return [...seen.values()];
}

const sameRecipients = (a: readonly Recipient[], b: readonly Recipient[]): boolean =>
  a.length === b.length && a.every((r, i) => r.emailAddress === b[i]?.emailAddress);

export async function sendSecurely(env: SecureSendEnv): Promise<SecureSendResult> {
  const { draft } = env;

  // 1. Read everything, write nothing.
  let original: { body: string; subject: string; recipients: Recipients; files: FileCopy[]; inline: number };
  try {
    const [body, subject, recipients, attachments] = await Promise.all([
      draft.bodyHtml(),
      env.subject(),
      env.recipients(),
      draft.attachments(),
    ]);
    const unsupported = attachments.filter((a) => a.kind !== 'file').map((a) => a.name);
    if (unsupported.length > 0) return { outcome: 'unsupported-attachments', names: unsupported };
    if (uniqueAddresses(recipients).length === 0) return { outcome: 'no-recipients' };
    const files: FileCopy[] = [];
    // One at a time: Outlook on the web allows only a few calls in flight.
    for (const attachment of attachments)
      files.push({ attachment, base64: await draft.attachmentBase64(attachment.id) });
    original = {
      body,
      subject,
      recipients,
      files,
      inline: files.filter((f) => f.attachment.isInline).length,
    };
  } catch {
    return { outcome: 'read-failed' };
  }

  // 2. Upload. Inline images belong to the body's layout, not to what is shared: they stay out.
  const upload: PortalFile[] = original.files
    .filter((f) => !f.attachment.isInline)
    .map((f) => ({ name: f.attachment.name, base64: f.base64 }));
  let link: string;
  let expiresAt: string;
  try {
    const created = await env.api.createPortalMessage(
      {
        senderEmail: env.senderEmail,
        subject: original.subject,
        body: original.body,
        format: 'html',
        recipients: uniqueAddresses(original.recipients),
        language: env.language,
        ...(env.expiresInDays === undefined ? {} : { expiresInDays: env.expiresInDays }),
      },
      upload,
      PORTAL_UPLOAD_TIMEOUT_MS,
    );
    link = created.link;
    expiresAt = created.expiresAt;
  } catch (error) {
    return error instanceof ApiCallError
      ? { outcome: 'upload-failed', kind: error.kind, code: error.code }
      : { outcome: 'upload-failed', kind: 'unreachable', code: null };
  }

  // 3. Change the draft; on any failure, put back what was changed.
  let bodyChanged = false;
  const removed: FileCopy[] = [];
  const restore = async (): Promise<boolean> => {
    let ok = true;
    if (bodyChanged)
      await draft.setBodyHtml(original.body).catch(() => {
        ok = false;
      });
    for (const copy of removed)
      await draft
        .addAttachmentFromBase64(copy.base64, copy.attachment.name, copy.attachment.isInline)
        .catch(() => {
          ok = false;
        });
    // The flow does not touch the recipients, but Outlook may have (a send that got half way): check them.
    try {
      const now = await env.recipients();
      for (const field of FIELDS)
        if (!sameRecipients(now[field], original.recipients[field]))
          await draft.setRecipients(field, original.recipients[field]);
    } catch {
      ok = false;
    }
    return ok;
  };

  let step: 'body' | 'attachments' | 'send' = 'body';
  try {
    await draft.setBodyHtml(portalNoticeHtml(link, expiresAt, env.language));
    bodyChanged = true;
    step = 'attachments';
    for (const copy of original.files) {
      await draft.removeAttachment(copy.attachment.id);
      removed.push(copy);
    }
    if (!env.canSend) return { outcome: 'ready', link, skippedInline: original.inline };
    step = 'send';
    await draft.send();
    return { outcome: 'sent', link, skippedInline: original.inline };
  } catch {
    // A failed setAsync may still have written part of the body: put it back all the same.
    bodyChanged = true;
    return { outcome: 'step-failed', step, restored: await restore() };
  }
}
