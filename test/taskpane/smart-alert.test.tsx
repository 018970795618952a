/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, waitFor, within } from '@testing-library/react';
import type { SendContext } from '../../addin/launchevent/send-check';
import { parseSendContext } from '../../addin/taskpane/controller';
import { domainRow, renderPane, setupBackend, to } from '../support/taskpane-harness';

const backend = setupBackend();

const IBAN_BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

describe('opened from the Smart Alert', () => {
  it('opens on why the send was stopped: the blocked message, and the risky domains expanded', async () => {
    backend.set('plain.example', 'none').set('secure.example', 'enforced');
    const context: SendContext = {
      reason: 'blocked',
      action: 'block',
      riskyDomains: ['plain.example'],
      findingTypes: ['iban'],
    };
    renderPane({
      initializationContext: JSON.stringify(context),
      draft: { to: to('carol@secure.example', 'ann@plain.example'), subject: 'Invoice', body: IBAN_BODY },
    });
    const banner = await screen.findByRole('region', { name: 'TLS Gate stopped this message' });
    await waitFor(() => {
      expect(banner.textContent).toContain('Blocked: this message contains 1 IBAN');
    });
    expect(banner.textContent).toContain('Mail to plain.example (No TLS) can travel unencrypted.');
    // Keyboard and screen-reader users start at the reason.
    expect(document.activeElement).toBe(banner);

    const risky = domainRow('plain.example');
    expect(within(risky).getByText('Stopped the send')).toBeTruthy();
    expect(
      within(risky).getByRole('button', { name: 'Details for plain.example' }).getAttribute('aria-expanded'),
    ).toBe('true');
    expect(screen.getByRole('region', { name: 'Details for plain.example' })).toBeTruthy();
    const safe = domainRow('secure.example');
    expect(within(safe).queryByText('Stopped the send')).toBeNull();
    expect(
      within(safe).getByRole('button', { name: 'Details for secure.example' }).getAttribute('aria-expanded'),
    ).toBe('false');
  });

  it('shows no banner when opened from the ribbon', async () => {
    backend.set('plain.example', 'none');
    renderPane({ draft: { to: to('ann@plain.example') } });
    expect(await screen.findByText('No TLS')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'TLS Gate stopped this message' })).toBeNull();
  });

  it('ignores context data it does not understand', () => {
    expect(parseSendContext(null)).toBeNull();
    expect(parseSendContext('not json')).toBeNull();
    expect(
      parseSendContext('{"reason":"blocked","action":"nuke","riskyDomains":[],"findingTypes":[]}'),
    ).toBeNull();
    expect(
      parseSendContext('{"reason":"blocked","action":"block","riskyDomains":[1],"findingTypes":[]}'),
    ).toBeNull();
    expect(
      parseSendContext(
        '{"reason":"blocked","action":"block","riskyDomains":["Plain.Example"],"findingTypes":["iban"]}',
      ),
    ).toEqual({
      reason: 'blocked',
      action: 'block',
      riskyDomains: ['plain.example'],
      findingTypes: ['iban'],
    });
  });
});
