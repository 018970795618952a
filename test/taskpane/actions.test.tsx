/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderPane, setupBackend, to } from '../support/taskpane-harness';

const backend = setupBackend();

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

describe('actions', () => {
  it('removes the risky recipients only after the user confirms', async () => {
    backend.set('plain.example', 'none').set('secure.example', 'enforced');
    const { shim } = renderPane({
      draft: {
        to: to('ann@plain.example', 'carol@secure.example'),
        cc: to('erin@secure.example'),
        bcc: to('bob@plain.example'),
        body: IBAN_BODY,
      },
    });
    const remove = await screen.findByRole('button', { name: 'Remove 2 risky recipients…' });

    // Cancel: nothing is written.
    await userEvent.click(remove);
    let dialog = await screen.findByRole('alertdialog', { name: 'Remove these recipients?' });
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['ann@plain.example', 'bob@plain.example']);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => {
      expect(screen.queryByRole('alertdialog')).toBeNull();
    });
    expect(shim.writes).toEqual([]);

    // Confirm: To and Bcc are rewritten without them; Cc, which held none, is left alone.
    await userEvent.click(remove);
    dialog = await screen.findByRole('alertdialog', { name: 'Remove these recipients?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('Removed 2 recipients.')).toBeTruthy();
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

  it('shows "Send securely" switched off, with the reason next to it', async () => {
    renderPane();
    const button = await screen.findByRole('button', { name: 'Send securely' });
    // Focusable but off, so keyboard and screen-reader users find it and hear why.
    expect(button.getAttribute('aria-disabled')).toBe('true');
    const note = document.getElementById(button.getAttribute('aria-describedby') ?? '');
    expect(note?.textContent).toBe('Sending through the secure portal is not available yet.');
    await userEvent.click(button);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
