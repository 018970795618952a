import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { officeComposeItem, officeMailbox, officeSecureDraft } from '../../addin/office/compose';
import { createApiClient, type PortalMessageCreated } from '../../addin/shared/api';
import { PORTAL_NOTICE_START } from '../../addin/shared/portal-notice';
import { sendSecurely, type SecureSendResult } from '../../addin/taskpane/secure-send';
import { STRINGS } from '../../addin/taskpane/strings';
import type { ShimOptions } from '../../addin/try/office-shim';
import { contentOf, file, installOutlook, person } from '../support/outlook-draft';

/**
 * "Send securely" end to end below the UI: the real Office adapters against the in-page Office, the real
 * API client against msw. Above all: nothing is lost, whichever step fails.
 */

const BASE = 'https://tlsgate.example.test';
const LINK = 'https://tlsgate.example.test/portal/m/5f0c';
const CREATED: PortalMessageCreated = {
  id: '5f0c',
  link: LINK,
  expiresAt: '2026-12-24T10:00:00.000Z',
  verification: 'email-code',
};

interface Upload {
  message: Record<string, unknown>;
  files: Array<{ field: string; name: string; bytes: number[] }>;
}
const uploads: Upload[] = [];
let refuse: { status: number; code: string } | null = null;

const server = setupServer(
  http.post(`${BASE}/api/v1/portal/messages`, async ({ request }) => {
    const form = await request.formData();
    const upload: Upload = { message: {}, files: [] };
    for (const [field, value] of form.entries())
      if (typeof value === 'string') upload.message = JSON.parse(value) as Record<string, unknown>;
      else
        upload.files.push({
          field,
          name: value.name,
          bytes: [...new Uint8Array(await value.arrayBuffer())],
        });
    uploads.push(upload);
    if (refuse)
      return HttpResponse.json({ error: { code: refuse.code, message: 'no' } }, { status: refuse.status });
    return HttpResponse.json(CREATED, { status: 201 });
  }),
);

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  uploads.length = 0;
  refuse = null;
  delete (globalThis as { Office?: unknown }).Office;
});
afterAll(() => {
  server.close();
});

const ORIGINAL_BODY = '<p>Dear Ann,</p><p>The IBAN is NL91 ABNA 0417 1643 00.</p><img src="cid:logo">';

function draftOptions(extra: ShimOptions = {}): ShimOptions {
  return {
    ...extra,
    draft: {
      to: [person('ann@plain.example', 'Ann')],
      cc: [person('bob@plain.example'), person('ANN@plain.example')],
      bcc: [person('carol@secure.example')],
      subject: 'Contract',
      body: ORIGINAL_BODY,
      attachments: [
        file('att-1', 'contract.pdf', [37, 80, 68, 70, 0, 255]),
        file('att-2', 'data.xlsx', [80, 75, 3, 4]),
        file('att-3', 'logo.png', [137, 80, 78, 71], true),
      ],
      ...extra.draft,
    },
  };
}

function run(expiresInDays?: number): Promise<SecureSendResult> {
  const item = officeComposeItem();
  const mailbox = officeMailbox();
  return sendSecurely({
    draft: officeSecureDraft(),
    api: createApiClient({ baseUrl: BASE, fetch: globalThis.fetch }),
    recipients: () => item.recipients(),
    subject: () => item.subject(),
    senderEmail: mailbox.userEmail,
    language: mailbox.language,
    canSend: mailbox.supports('1.15'),
    expiresInDays,
  });
}

describe('send securely', () => {
  it('uploads the draft, replaces the body by the notice, removes the attachments and sends (1.15)', async () => {
    const outlook = installOutlook(draftOptions());
    const result = await run();
    expect(result).toEqual({ outcome: 'sent', link: LINK, skippedInline: 1 });

    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(upload?.message).toEqual({
      senderEmail: 'me@sender.example',
      subject: 'Contract',
      body: ORIGINAL_BODY,
      format: 'html',
      recipients: ['ann@plain.example', 'bob@plain.example', 'carol@secure.example'],
      language: 'en',
    });
    // The inline image is part of the layout, not of what is shared.
    expect(upload?.files).toEqual([
      { field: 'file', name: 'contract.pdf', bytes: [37, 80, 68, 70, 0, 255] },
      { field: 'file', name: 'data.xlsx', bytes: [80, 75, 3, 4] },
    ]);

    expect(outlook.draft.body.startsWith(PORTAL_NOTICE_START)).toBe(true);
    expect(outlook.draft.body).toContain(`href="${LINK}"`);
    expect(outlook.draft.body).toContain('This message was sent to you through a secure portal');
    expect(outlook.draft.body).not.toContain('NL91');
    expect(outlook.draft.attachments).toEqual([]);
    expect(outlook.writes).toEqual([
      'body.setAsync',
      'removeAttachmentAsync:att-1',
      'removeAttachmentAsync:att-2',
      'removeAttachmentAsync:att-3',
      'sendAsync',
    ]);
    // Recipients were left alone.
    expect(outlook.draft.to).toEqual([person('ann@plain.example', 'Ann')]);
  });

  it('asks for the shorter expiry the sender chose, and the notice gives the one the server set', async () => {
    const outlook = installOutlook(draftOptions());
    expect(await run(3)).toMatchObject({ outcome: 'sent' });
    expect(uploads[0]?.message).toMatchObject({ expiresInDays: 3 });
    expect(outlook.draft.body).toContain(`${PORTAL_NOTICE_START} ${CREATED.expiresAt} -->`);
  });

  it('writes the notice in Dutch and leaves Send to the user before Mailbox 1.15', async () => {
    const outlook = installOutlook(draftOptions({ mailboxVersion: '1.14', displayLanguage: 'nl-NL' }));
    expect(await run()).toEqual({ outcome: 'ready', link: LINK, skippedInline: 1 });
    expect(uploads[0]?.message.language).toBe('nl');
    expect(outlook.draft.body).toContain('beveiligd portaal');
    expect(outlook.draft.body).toContain(LINK);
    expect(outlook.draft.attachments).toEqual([]);
    expect(outlook.calls).not.toContain('sendAsync');
  });

  it('changes nothing when the upload fails, and says why', async () => {
    refuse = { status: 403, code: 'PORTAL_DISABLED' };
    const outlook = installOutlook(draftOptions());
    const before = contentOf(outlook.draft);
    expect(await run()).toEqual({ outcome: 'upload-failed', kind: 'rejected', code: 'PORTAL_DISABLED' });
    expect(outlook.writes).toEqual([]);
    expect(contentOf(outlook.draft)).toEqual(before);
  });

  it('a sign-in for another address (SENDER_MISMATCH) changes nothing and is explained in both languages', async () => {
    refuse = { status: 403, code: 'SENDER_MISMATCH' };
    const outlook = installOutlook(draftOptions());
    const before = contentOf(outlook.draft);
    const result = await run();
    expect(result).toEqual({ outcome: 'upload-failed', kind: 'rejected', code: 'SENDER_MISMATCH' });
    expect(contentOf(outlook.draft)).toEqual(before);
    expect(STRINGS.en.secureOutcome(result)).toMatch(/another address.*Nothing was changed\./);
    expect(STRINGS.nl.secureOutcome(result)).toMatch(/ander adres.*Er is niets gewijzigd\./);
  });

  it('puts body, attachments and recipients back when removing an attachment fails', async () => {
    const outlook = installOutlook(
      draftOptions({
        // The second removal fails, after the body was replaced and one attachment removed; by then
        // Outlook has also dropped a recipient (as a half-finished operation might).
        faults: [
          {
            call: 'removeAttachmentAsync',
            nth: 2,
            before: (draft) => {
              draft.cc = [];
            },
          },
        ],
      }),
    );
    const before = contentOf(outlook.draft);
    expect(await run()).toEqual({ outcome: 'step-failed', step: 'attachments', restored: true });
    expect(contentOf(outlook.draft)).toEqual(before);
    expect(outlook.writes).toEqual([
      'body.setAsync',
      'removeAttachmentAsync:att-1',
      'body.setAsync',
      'addFileAttachmentFromBase64Async:contract.pdf',
      'cc.setAsync',
    ]);
  });

  it('puts the draft back when sendAsync fails', async () => {
    const outlook = installOutlook(draftOptions({ faults: [{ call: 'sendAsync', nth: 1 }] }));
    const before = contentOf(outlook.draft);
    expect(await run()).toEqual({ outcome: 'step-failed', step: 'send', restored: true });
    expect(contentOf(outlook.draft)).toEqual(before);
    // The inline image comes back inline.
    expect(outlook.draft.attachments.find((a) => a.name === 'logo.png')?.isInline).toBe(true);
    expect(uploads).toHaveLength(1);
  });

  it('puts the body back when replacing it fails', async () => {
    const outlook = installOutlook(draftOptions({ faults: [{ call: 'body.setAsync', nth: 1 }] }));
    const before = contentOf(outlook.draft);
    expect(await run()).toEqual({ outcome: 'step-failed', step: 'body', restored: true });
    expect(contentOf(outlook.draft)).toEqual(before);
    expect(outlook.calls).not.toContain('removeAttachmentAsync');
  });

  it('says so when the draft cannot be entirely put back', async () => {
    // Re-adding attachments fails too: the result must not claim the draft is back.
    const outlook = installOutlook(
      draftOptions({
        faults: [{ call: 'sendAsync', nth: 1 }, { call: 'addFileAttachmentFromBase64Async' }],
      }),
    );
    expect(await run()).toEqual({ outcome: 'step-failed', step: 'send', restored: false });
    expect(outlook.draft.body).toBe(ORIGINAL_BODY);
  });

  it('refuses cloud attachments and attached messages before anything happens', async () => {
    const cloud = { ...file('att-9', 'Plan.docx', []), attachmentType: 'cloud' as const };
    const outlook = installOutlook(
      draftOptions({ draft: { attachments: [file('att-1', 'a.pdf', [1]), cloud] } }),
    );
    expect(await run()).toEqual({ outcome: 'unsupported-attachments', names: ['Plan.docx'] });
    expect(uploads).toEqual([]);
    expect(outlook.writes).toEqual([]);
  });

  it('changes nothing when the attachments cannot be read', async () => {
    const outlook = installOutlook(draftOptions({ faults: [{ call: 'getAttachmentContentAsync', nth: 2 }] }));
    expect(await run()).toEqual({ outcome: 'read-failed' });
    expect(uploads).toEqual([]);
    expect(outlook.writes).toEqual([]);
  });
});
