/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { STATUSES_KEY, type StatusCache } from '../../addin/shared/session-cache';
import { domainRow as row, renderPane, setupBackend, to } from '../support/taskpane-harness';

const backend = setupBackend();

function recipientsOf(domain: string, heading = 'Recipients'): Array<string | null> {
  const list = within(row(domain)).getByRole('list', { name: `${heading}: ${domain}` });
  return within(list)
    .getAllByRole('listitem')
    .map((item) => item.textContent);
}

describe('recipient rows', () => {
  it('shows one row per domain, its recipients under it, a status badge in words and a reason', async () => {
    backend
      .set('plain.example', 'none')
      .set('secure.example', 'enforced')
      .set('shaky.example', 'opportunistic');
    renderPane({
      draft: {
        to: [
          { emailAddress: 'ann@plain.example', displayName: 'Ann' },
          { emailAddress: 'carol@secure.example', displayName: '' },
        ],
        cc: to('bob@plain.example'),
        bcc: to('dan@shaky.example'),
      },
    });
    const list = await screen.findByRole('list', { name: 'Recipient domains' });
    await waitFor(() => {
      expect(within(list).queryByText('Checking…')).toBeNull();
    });
    const domains = within(list)
      .getAllByRole('heading', { level: 3 })
      .map((heading) => heading.textContent);
    expect(domains).toEqual(['plain.example', 'secure.example', 'shaky.example']);

    const plain = within(row('plain.example'));
    expect(plain.getByText('No TLS')).toBeTruthy();
    expect(plain.getByText('backup MX mx2.plain.example offers no STARTTLS')).toBeTruthy();
    const recipients = plain.getByRole('list', { name: 'Recipients: plain.example' });
    expect(
      within(recipients)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Ann <ann@plain.example> (To)', 'bob@plain.example (Cc)']);
    expect(within(row('secure.example')).getByText('Enforced TLS')).toBeTruthy();
    expect(within(row('secure.example')).getByText('MTA-STS enforce')).toBeTruthy();
    expect(within(row('shaky.example')).getByText('Opportunistic TLS')).toBeTruthy();
    expect(within(row('shaky.example')).getByText('STARTTLS, certificate not trusted')).toBeTruthy();
    expect(recipientsOf('shaky.example')).toEqual(['dan@shaky.example (Bcc)']);
    // One batch for all domains; domains, not addresses, leave the pane.
    expect(backend.calls).toEqual([
      expect.objectContaining({
        domains: ['plain.example', 'secure.example', 'shaky.example'],
        fresh: false,
      }),
    ]);
    // Announced to screen readers.
    expect(screen.getByText('Checked 3 domains; 2 without enforced TLS.').getAttribute('role')).toBe(
      'status',
    );
  });

  it('shows "Checking…" for a domain while its lookup runs', async () => {
    backend.set('secure.example', 'enforced');
    backend.hold();
    renderPane({ draft: { to: to('carol@secure.example') } });
    expect(
      await within(await screen.findByRole('list', { name: 'Recipient domains' })).findByText('Checking…'),
    ).toBeTruthy();
    expect(row('secure.example').getAttribute('aria-busy')).toBe('true');
    act(() => {
      backend.release();
    });
    expect(await within(row('secure.example')).findByText('Enforced TLS')).toBeTruthy();
    expect(row('secure.example').getAttribute('aria-busy')).toBe('false');
  });

  it('reuses the statuses the recipients-changed handler prefetched into sessionData', async () => {
    backend.set('plain.example', 'none');
    backend.hold();
    const cache: StatusCache = {
      fetchedAt: Date.now(),
      byAddress: {
        'ann@plain.example': {
          domain: 'plain.example',
          status: 'none',
          enforcement: [],
          reason: 'Mail to this domain can travel unencrypted: mx2.plain.example offers no usable STARTTLS.',
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        },
      },
    };
    renderPane({
      draft: { to: to('ann@plain.example'), sessionData: { [STATUSES_KEY]: JSON.stringify(cache) } },
    });
    // The backend is held, yet the row already shows its status: it came from sessionData.
    expect(
      await within(await screen.findByRole('list', { name: 'Recipient domains' })).findByText('No TLS'),
    ).toBeTruthy();
    expect(screen.queryByText('Checking…')).toBeNull();
    act(() => {
      backend.release();
    });
    // The full report arrives quietly for the details and the precise reason.
    expect(await screen.findByText('backup MX mx2.plain.example offers no STARTTLS')).toBeTruthy();
  });

  it('updates the rows when the recipients change', async () => {
    backend.set('secure.example', 'enforced').set('plain.example', 'none');
    const { shim } = renderPane({ draft: { to: to('carol@secure.example') } });
    expect(await screen.findByText('Enforced TLS')).toBeTruthy();

    backend.hold();
    act(() => {
      shim.setRecipients('to', ['ann@plain.example']);
    });
    expect(await screen.findByText('Checking…')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'secure.example' })).toBeNull();
    act(() => {
      backend.release();
    });
    expect(await within(row('plain.example')).findByText('No TLS')).toBeTruthy();
    expect(backend.calls.map((call) => call.domains)).toEqual([['secure.example'], ['plain.example']]);
  });

  it('re-checks every domain with ?fresh=1 when asked', async () => {
    backend.set('shaky.example', 'opportunistic');
    renderPane({ draft: { to: to('dan@shaky.example') } });
    expect(await screen.findByText('Opportunistic TLS')).toBeTruthy();

    // Meanwhile the domain fixed its certificate and published MTA-STS.
    backend.set('shaky.example', 'enforced');
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await within(row('shaky.example')).findByText('Enforced TLS')).toBeTruthy();
    expect(backend.calls.at(-1)).toEqual(
      expect.objectContaining({
        fresh: true,
        domains: ['shaky.example'],
        url: expect.stringContaining('?fresh=1') as string,
      }),
    );
  });

  it('speaks Dutch when Outlook does', async () => {
    backend.set('plain.example', 'none');
    renderPane({ displayLanguage: 'nl-NL', draft: { to: to('ann@plain.example') } });
    expect(await screen.findByText('Geen TLS')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Ontvangers' })).toBeTruthy();
    expect(screen.getByText('back-up-MX mx2.plain.example biedt geen STARTTLS')).toBeTruthy();
    expect(recipientsOf('plain.example', 'Ontvangers')).toEqual(['ann@plain.example (Aan)']);
    expect(screen.getByRole('button', { name: 'Opnieuw controleren' })).toBeTruthy();
  });

  it('says what to do when there are no recipients yet', async () => {
    renderPane();
    expect(
      await screen.findByText('Add recipients to see whether their mail servers enforce TLS.'),
    ).toBeTruthy();
    expect(backend.calls).toEqual([]);
  });
});
