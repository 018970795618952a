/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { SendContext } from '../../addin/launchevent/send-check';
import type { PortalMessageCreated } from '../../addin/shared/api';
import { PORTAL_NOTICE_START } from '../../addin/shared/portal-notice';
import { DEFAULT_POLICY } from '../../src/core/policy';
import {
  alertDialog,
  API,
  dialogButton,
  FakeBackend,
  renderPane,
  to,
  WAIT,
} from '../support/taskpane-harness';

/** "Send securely" in the pane: offered by the policy, confirmed, then done, or said why not. */

const backend = new FakeBackend();
const CREATED: PortalMessageCreated = {
  id: 'm1',
  link: `${API}/portal/m/m1`,
  expiresAt: '2026-12-24T10:00:00Z',
  verification: 'email-code',
};
const uploads: Array<Record<string, unknown>> = [];
let uploadFails = false;
const server = setupServer(
  ...backend.handlers(),
  http.post(`${API}/api/v1/portal/messages`, async ({ request }) => {
    const form = await request.formData();
    const field = form.get('message');
    uploads.push(JSON.parse(typeof field === 'string' ? field : '{}') as Record<string, unknown>);
    if (uploadFails) return HttpResponse.json({ error: { code: 'INTERNAL', message: 'x' } }, { status: 500 });
    return HttpResponse.json(CREATED, { status: 201 });
  }),
);
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  backend.reset();
  uploads.length = 0;
  uploadFails = false;
});
afterAll(() => {
  server.close();
});

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';
const BLOCKED: SendContext = {
  reason: 'blocked',
  action: 'block',
  riskyDomains: ['plain.example'],
  findingTypes: ['iban'],
};

jest.setTimeout(60_000);

/** The "Send securely" button once the policy is in and offers the portal (it is off until then). */
async function activeSendSecurely(name = 'Send securely'): Promise<HTMLElement> {
  await waitFor(() => {
    expect(screen.getByRole('button', { name }).getAttribute('aria-disabled')).toBeNull();
  }, WAIT);
  return screen.getByRole('button', { name });
}

function actionButtons(heading = 'Actions'): string[] {
  const section = screen.getByRole('region', { name: heading });
  return within(section)
    .getAllByRole('button')
    .map((button) => button.textContent);
}

describe('send securely in the pane', () => {
  beforeEach(() => {
    backend.set('plain.example', 'none');
  });

  it('stays off, with the reason, when the policy does not offer the portal', async () => {
    renderPane({ draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    const button = await screen.findByRole('button', { name: 'Send securely' }, WAIT);
    await waitFor(() => {
      expect(backend.policyCalls).toBe(1);
    });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    const note = document.getElementById(button.getAttribute('aria-describedby') ?? '');
    expect(note?.textContent).toBe('Your organisation has not switched on the secure portal.');
  });

  it('leads with it when the Smart Alert opened the pane, confirms, uploads and sends', async () => {
    backend.policy = { ...DEFAULT_POLICY, portal: true };
    // The in-page Office has sendAsync only when asked, as Outlook has from 1.15; it counts as a write.
    const pane = renderPane({
      sendAsync: true,
      initializationContext: JSON.stringify(BLOCKED),
      draft: { to: to('ann@plain.example'), subject: 'Deposit', body: IBAN_BODY },
    });
    await activeSendSecurely();
    await waitFor(() => {
      expect(actionButtons()).toEqual(['Send securely', 'Remove 1 risky recipient…']);
    }, WAIT);
    const button = screen.getByRole('button', { name: 'Send securely' });

    await userEvent.click(button);
    const dialog = await alertDialog('Send through the secure portal?');
    expect(dialog.textContent).toContain('the attachments are removed, and the message is sent.');
    await userEvent.click(dialogButton(dialog, 'Send securely'));
    expect(await screen.findByText('Sent through the secure portal.', {}, WAIT)).toBeTruthy();
    expect(uploads).toEqual([
      expect.objectContaining({ subject: 'Deposit', body: IBAN_BODY, recipients: ['ann@plain.example'] }),
    ]);
    // The default expiry is the server's to apply, from the policy in force.
    expect(uploads[0]).not.toHaveProperty('expiresInDays');
    expect(pane.shim.writes).toEqual(['body.setAsync', 'sendAsync']);
    expect(pane.shim.draft.body.startsWith(PORTAL_NOTICE_START)).toBe(true);
    expect(pane.shim.draft.body).toContain(`${API}/portal/m/m1`);
  });

  it('does nothing when the user cancels', async () => {
    backend.policy = { ...DEFAULT_POLICY, portal: true };
    const pane = renderPane({ draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    await userEvent.click(await activeSendSecurely());
    const dialog = await alertDialog('Send through the secure portal?');
    await userEvent.click(dialogButton(dialog, 'Cancel'));
    await waitFor(() => {
      expect(screen.queryByRole('alertdialog', { hidden: true })).toBeNull();
    }, WAIT);
    expect(uploads).toEqual([]);
    expect(pane.shim.writes).toEqual([]);
  });

  it('keeps removal first when opened from the ribbon, and asks for Send before Mailbox 1.15', async () => {
    backend.policy = { ...DEFAULT_POLICY, portal: true };
    const pane = renderPane({
      mailboxVersion: '1.14',
      displayLanguage: 'nl-NL',
      draft: { to: to('ann@plain.example'), body: IBAN_BODY },
    });
    const button = await activeSendSecurely('Veilig verzenden');
    await waitFor(() => {
      expect(actionButtons('Acties')).toEqual(['1 risicovolle ontvanger verwijderen…', 'Veilig verzenden']);
    }, WAIT);
    await userEvent.click(button);
    const dialog = await alertDialog('Via het beveiligde portaal verzenden?');
    expect(dialog.textContent).toContain('u drukt op Verzenden.');
    await userEvent.click(dialogButton(dialog, 'Veilig verzenden'));
    expect(
      await screen.findByText(
        'Het bericht staat in het beveiligde portaal en het concept bevat nu de link: druk op Verzenden.',
        {},
        WAIT,
      ),
    ).toBeTruthy();
    expect(pane.shim.writes).toEqual(['body.setAsync']);
    expect(pane.shim.draft.body).toContain('beveiligd portaal');
  });

  it("offers expiries up to the policy's default, and sends the shorter one chosen", async () => {
    backend.policy = { ...DEFAULT_POLICY, portal: true, portalDefaultExpiryDays: 7, portalMaxExpiryDays: 30 };
    renderPane({ sendAsync: true, draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    await userEvent.click(await activeSendSecurely());
    const dialog = await alertDialog('Send through the secure portal?');
    const expiry = within(dialog).getByRole('combobox', { name: 'Recipients can read it for' });
    expect((expiry as HTMLSelectElement).value).toBe('7');
    expect(
      within(expiry)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['1 day', '2 days', '3 days', '7 days (standard)']);
    await userEvent.selectOptions(expiry, '3');
    await userEvent.click(dialogButton(dialog, 'Send securely'));
    expect(await screen.findByText('Sent through the secure portal.', {}, WAIT)).toBeTruthy();
    expect(uploads).toEqual([expect.objectContaining({ expiresInDays: 3 })]);
  });

  it('tells the user when the upload failed, and leaves the draft alone', async () => {
    backend.policy = { ...DEFAULT_POLICY, portal: true };
    uploadFails = true;
    const pane = renderPane({ draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    await userEvent.click(await activeSendSecurely());
    const dialog = await alertDialog('Send through the secure portal?');
    await userEvent.click(dialogButton(dialog, 'Send securely'));
    expect(
      await screen.findByText(
        'The upload failed: TLS Gate turned the request down; wait a moment. Nothing was changed.',
        {},
        WAIT,
      ),
    ).toBeTruthy();
    expect(pane.shim.writes).toEqual([]);
    expect(pane.shim.draft.body).toBe(IBAN_BODY);
  });
});
