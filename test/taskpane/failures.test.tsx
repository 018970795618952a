/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ErrorBoundary } from '../../addin/taskpane/ErrorBoundary';
import { STRINGS } from '../../addin/taskpane/strings';
import { domainRow, renderPane, setupBackend, to } from '../support/taskpane-harness';

const backend = setupBackend();

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

describe('failure states', () => {
  it('says when the backend cannot be reached, and recovers on retry', async () => {
    backend.set('plain.example', 'none');
    backend.failure = 'network';
    renderPane({ draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('TLS Gate could not be reached.');
    const row = domainRow('plain.example');
    expect(within(row).getByText('Check failed')).toBeTruthy();
    expect(within(row).getByText('The TLS check could not run.')).toBeTruthy();
    // As on send: the policy's onBackendError (default warn) applies, and the message says why.
    const verdict = await screen.findByTestId('verdict');
    expect(within(verdict).getByText('TLS Gate will warn')).toBeTruthy();
    expect(verdict.textContent).toContain('The TLS check could not run for plain.example');

    backend.failure = null;
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await within(domainRow('plain.example')).findByText('No TLS')).toBeTruthy();
    await waitFor(() => {
      expect(screen.queryByRole('alert')).toBeNull();
    });
    expect(within(screen.getByTestId('verdict')).getByText('TLS Gate will stop the message')).toBeTruthy();
  });

  it('says when the sign-in is refused, with a retry', async () => {
    backend.set('plain.example', 'none');
    backend.failure = 401;
    renderPane({ draft: { to: to('ann@plain.example') } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('TLS Gate did not accept your sign-in.');
    backend.failure = null;
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No TLS')).toBeTruthy();
  });

  it('says when Outlook would not hand over the recipients', async () => {
    backend.set('plain.example', 'none');
    const { shim } = renderPane({ draft: { to: to('ann@plain.example') } });
    expect(await screen.findByText('No TLS')).toBeTruthy();
    const item = (shim.Office.context as { mailbox: { item: { to: { getAsync: unknown } } } }).mailbox.item;
    const original = item.to.getAsync;
    item.to.getAsync = (callback: (result: unknown) => void) => {
      callback({ status: 'failed', error: { code: 9000, name: 'x', message: 'no access' } });
    };
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Outlook did not let TLS Gate read this message.');

    item.to.getAsync = original;
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => {
      expect(screen.queryByRole('alert')).toBeNull();
    });
    expect(screen.getByText('No TLS')).toBeTruthy();
  });

  it('shows a line and a way out instead of a blank pane when rendering fails', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reload = jest.fn();
    function Broken(): never {
      throw new Error('render bug');
    }
    render(
      <ErrorBoundary s={STRINGS.en} onReload={reload}>
        <Broken />
      </ErrorBoundary>,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('TLS Gate ran into a problem and cannot show this pane.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Reload' }));
    expect(reload).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});
