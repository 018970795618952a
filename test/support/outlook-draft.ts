import {
  createOfficeShim,
  type OfficeShim,
  type ShimAttachment,
  type ShimDraft,
  type ShimOptions,
  type ShimRecipient,
} from '../../addin/try/office-shim';

/**
 * A compose draft as "Send securely" sees it in Outlook 1.15, on the in-page Office (addin/try/office-shim.ts):
 * an HTML body, file attachments with their bytes, recipients, subject and sendAsync.
 */

export const person = (emailAddress: string, displayName = ''): ShimRecipient => ({
  emailAddress,
  displayName,
});

export function file(id: string, name: string, bytes: number[], isInline = false): ShimAttachment {
  return {
    id,
    name,
    size: bytes.length,
    attachmentType: 'file',
    isInline,
    base64: Buffer.from(bytes).toString('base64'),
  };
}

/** Installs the shim as the global `Office`; returns it, with the live draft. */
export function installOutlook(options: ShimOptions = {}): OfficeShim {
  const shim = createOfficeShim({
    userEmail: 'me@sender.example',
    bodyType: 'html',
    sendAsync: true,
    ...options,
  });
  (globalThis as { Office?: unknown }).Office = shim.Office;
  return shim;
}

/** What a draft looks like to compare before and after: attachments by name, inline flag and bytes. */
export function contentOf(draft: ShimDraft): unknown {
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
