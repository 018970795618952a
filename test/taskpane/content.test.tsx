/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { classifyMessage } from '../../src/core/classifier/index';
import { decide } from '../../src/core/decide';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { reportFor } from '../support/reports';
import { renderPane, setupBackend, to } from '../support/taskpane-harness';

const backend = setupBackend();

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

describe('sensitive content and the verdict', () => {
  it('lists what the draft contains, masked, and never the values themselves', async () => {
    backend.set('secure.example', 'enforced');
    renderPane({
      draft: {
        to: to('carol@secure.example'),
        subject: 'Card 4111 1111 1111 1111',
        body: IBAN_BODY,
      },
    });
    const findings = await screen.findByRole('list', { name: 'Sensitive content' });
    const items = within(findings)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(items).toEqual([
      expect.stringMatching(/^Payment card number: [\d *]+1111 \(in the subject\)$/) as string,
      expect.stringMatching(/^IBAN: NL91[ *]+\d* ?\d*\d \(in the body\)$/) as string,
    ]);
    expect(findings.textContent).not.toContain('0417 1643');
    expect(findings.textContent).not.toContain('4111 1111 1111 1111');
  });

  it("shows the on-send check's verdict in the same words: decide()'s message", async () => {
    backend.set('plain.example', 'none').set('secure.example', 'enforced');
    renderPane({
      draft: { to: to('ann@plain.example', 'carol@secure.example'), subject: 'Invoice', body: IBAN_BODY },
    });
    const verdict = await screen.findByTestId('verdict');
    // The decision as the send check computes it, from the same inputs.
    const { findings } = classifyMessage(
      { subject: 'Invoice', body: IBAN_BODY, bodyType: 'text', attachmentNames: [] },
      DEFAULT_POLICY,
    );
    const expected = decide(
      [
        { address: 'ann@plain.example', report: reportFor('plain.example', 'none') },
        { address: 'carol@secure.example', report: reportFor('secure.example', 'enforced') },
      ],
      findings,
      DEFAULT_POLICY,
      { senderAddress: 'me@sender.example', language: 'en' },
    );
    expect(expected.action).toBe('block');
    expect(within(verdict).getByText('TLS Gate will stop the message')).toBeTruthy();
    expect(within(verdict).getByText(expected.message.en)).toBeTruthy();
  });

  it('follows the policy from the backend', async () => {
    backend.set('plain.example', 'none');
    backend.policy = { ...DEFAULT_POLICY, actions: { high: 'warn', medium: 'warn', low: 'allow' } };
    renderPane({ draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    const verdict = await screen.findByTestId('verdict');
    expect(within(verdict).getByText('TLS Gate will warn')).toBeTruthy();
    expect(verdict.textContent).toContain('You can remove the recipient or send anyway.');
  });

  it('scans again on demand, and when the pane gets focus back', async () => {
    backend.set('plain.example', 'none');
    const { shim } = renderPane({ draft: { to: to('ann@plain.example'), body: 'Lunch at noon?' } });
    expect(within(await screen.findByTestId('verdict')).getByText('The message will be sent')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Sensitive content' })).toBeNull();

    shim.setBody(IBAN_BODY);
    await userEvent.click(screen.getByRole('button', { name: 'Scan again' }));
    expect(await screen.findByRole('list', { name: 'Sensitive content' })).toBeTruthy();
    await waitFor(() => {
      expect(within(screen.getByTestId('verdict')).getByText('TLS Gate will stop the message')).toBeTruthy();
    });

    shim.setBody('Never mind, all settled.');
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() => {
      expect(screen.queryByRole('list', { name: 'Sensitive content' })).toBeNull();
    });
    expect(within(screen.getByTestId('verdict')).getByText('The message will be sent')).toBeTruthy();
  });

  it('waits for every status before giving a verdict', async () => {
    backend.set('plain.example', 'none');
    backend.hold();
    renderPane({ draft: { to: to('ann@plain.example'), body: IBAN_BODY } });
    // Neither a verdict nor a removal is offered before then.
    expect(await screen.findAllByText('Waiting for the checks…')).toHaveLength(2);
    expect(screen.queryByTestId('verdict')).toBeNull();
    expect(screen.queryByRole('button', { name: /risky/ })).toBeNull();
    act(() => {
      backend.release();
    });
    expect(await screen.findByTestId('verdict')).toBeTruthy();
  });
});
