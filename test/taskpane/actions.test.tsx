/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { alertDialog, dialogButton, renderPane, setupBackend, to, WAIT } from '../support/taskpane-harness';

const backend = setupBackend();

/** Generous: under load (the full suite on 2 workers) Fluent's dialog has taken over a second to show. */
jest.setTimeout(60_000);

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

describe('actions', () => {
  // Cancel and confirm are separate tests: reopening a Fluent dialog right after it closed has lost the new
  // opening under load (the closing surface lingers, aria-hidden, while it animates out).
  const draft = {
    to: to('ann@plain.example', 'carol@secure.example'),
    cc: to('erin@secure.example'),
    bcc: to('bob@plain.example'),
    body: IBAN_BODY,
  };

  it('writes nothing when the user cancels the removal', async () => {
    backend.set('plain.example', 'none').set('secure.example', 'enforced');
    const { shim } = renderPane({ draft });
    await userEvent.click(await screen.findByRole('button', { name: 'Remove 2 risky recipients…' }, WAIT));
    const dialog = await alertDialog('Remove these recipients?');
    expect(
      within(dialog)
        .getAllByRole('listitem', { hidden: true })
        .map((item) => item.textContent),
    ).toEqual(['ann@plain.example', 'bob@plain.example']);
    await userEvent.click(dialogButton(dialog, 'Cancel'));
    await waitFor(() => {
      expect(screen.queryByRole('alertdialog', { hidden: true })).toBeNull();
    }, WAIT);
    expect(shim.writes).toEqual([]);
  });

  it('removes the risky recipients once the user confirms', async () => {
    backend.set('plain.example', 'none').set('secure.example', 'enforced');
    const { shim } = renderPane({ draft });
    // To and Bcc are rewritten without them; Cc, which held none, is left alone.
    await userEvent.click(await screen.findByRole('button', { name: 'Remove 2 risky recipients…' }, WAIT));
    const dialog = await alertDialog('Remove these recipients?');
    await userEvent.click(dialogButton(dialog, 'Remove'));
    expect(await screen.findByText('Removed 2 recipients.', {}, WAIT)).toBeTruthy();
    expect(shim.writes).toEqual(['to.setAsync', 'bcc.setAsync']);
    expect(shim.draft.to.map((r) => r.emailAddress)).toEqual(['carol@secure.example']);
    expect(shim.draft.cc.map((r) => r.emailAddress)).toEqual(['erin@secure.example']);
    expect(shim.draft.bcc).toEqual([]);
    await waitFor(() => {
      expect(screen.queryByRole('heading', { name: 'plain.example' })).toBeNull();
    });
    expect(screen.getByText('No recipient needs to be removed.')).toBeTruthy();
  });

  it('offers no removal when the send would go ahead', async () => {
    backend.set('plain.example', 'none');
    renderPane({ draft: { to: to('ann@plain.example'), body: 'Lunch at noon?' } });
    expect(await screen.findByText('No recipient needs to be removed.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /risky/ })).toBeNull();
  });

  it('shows "Send securely" switched off, with the reason next to it, when the portal is not offered', async () => {
    renderPane();
    const button = await screen.findByRole('button', { name: 'Send securely' });
    // Focusable but off, so keyboard and screen-reader users find it and hear why.
    expect(button.getAttribute('aria-disabled')).toBe('true');
    await waitFor(() => {
      const note = document.getElementById(button.getAttribute('aria-describedby') ?? '');
      expect(note?.textContent).toBe('Your organisation has not switched on the secure portal.');
    }, WAIT);
    await userEvent.click(screen.getByRole('button', { name: 'Send securely' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
