/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import '../support/no-resize-observer';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type ReactElement } from 'react';
import { ChangeList } from '../../admin/ChangeList';
import { ForcedTlsTab } from '../../admin/ForcedTlsTab';
import { LocalisedProvider } from '../../admin/language';
import { ADMIN_STRINGS } from '../../admin/strings';
import type { PolicyState } from '../../admin/types';
import type { Proposal } from '../../src/contract/forced-tls';
import { DEFAULT_POLICY, type ForcedTlsEntry } from '../../src/core/policy';
import { fakeAdminApi, type FakeAdminApi } from '../support/fake-admin-api';

/**
 * The Forced-TLS tab's list and proposals against an in-memory API that judges the policy with the real
 * contract schema: levels edited in place, the server's validation shown at the field, a conflict
 * reloads, and a picked proposal becomes PowerShell and, in one click, an entry.
 */

jest.setTimeout(30_000);

function Harness({ fake }: { fake: FakeAdminApi }): ReactElement {
  const [current, setCurrent] = useState(fake.current());
  const policy: PolicyState = {
    current,
    replace: setCurrent,
    reload: () => {
      setCurrent(fake.current());
      return Promise.resolve();
    },
  };
  return <ForcedTlsTab api={fake.api} policy={policy} />;
}

function renderTab(entries: ForcedTlsEntry[], language: 'en' | 'nl' = 'en'): FakeAdminApi {
  const fake = fakeAdminApi({ ...DEFAULT_POLICY, forcedTlsDomains: entries });
  render(
    <FluentProvider theme={webLightTheme}>
      <LocalisedProvider value={{ language, s: ADMIN_STRINGS[language], setLanguage: () => undefined }}>
        <Harness fake={fake} />
      </LocalisedProvider>
    </FluentProvider>,
  );
  return fake;
}

const ENTRIES: ForcedTlsEntry[] = [
  { domain: 'bank.example', level: 'domain-validation', tlsDomain: 'mail.bank.example' },
  { domain: 'partner.example', level: 'encryption-only' },
];

async function openView(name: string): Promise<void> {
  await userEvent.click(screen.getByRole('tab', { name }));
}

describe('forced-TLS entries', () => {
  it('shows each entry with its level and certificate name', async () => {
    renderTab(ENTRIES);
    await openView('Domains and levels');
    const bank = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Level for bank.example' });
    expect(bank.value).toBe('domain-validation');
    expect(
      screen.getByRole<HTMLInputElement>('textbox', { name: 'Certificate name for bank.example' }).value,
    ).toBe('mail.bank.example');
    const partner = screen.getByRole<HTMLInputElement>('textbox', {
      name: 'Certificate name for partner.example',
    });
    expect(partner.disabled).toBe(true);
  });

  it("shows the server's objection at the field, then saves once it is met", async () => {
    const fake = renderTab(ENTRIES);
    await openView('Domains and levels');
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Level for partner.example' }),
      'domain-validation',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save partner.example' }));
    // The schema's own message, under the name field of that row.
    const name = screen.getByRole<HTMLInputElement>('textbox', {
      name: 'Certificate name for partner.example',
    });
    await waitFor(() => {
      expect(name.getAttribute('aria-invalid')).toBe('true');
    });
    expect(screen.getByText('domain-validation needs the certificate name (TlsDomain)')).toBeTruthy();
    expect(screen.getByText('Not saved: see the marked field.')).toBeTruthy();
    expect(fake.saved).toEqual([]);

    await userEvent.type(name, 'MX.Partner.example');
    await userEvent.click(screen.getByRole('button', { name: 'Save partner.example' }));
    await screen.findByText('Changed partner.example. Saved as version 2.');
    expect(fake.current().policy.forcedTlsDomains).toEqual([
      ENTRIES[0],
      { domain: 'partner.example', level: 'domain-validation', tlsDomain: 'mx.partner.example' },
    ]);
  });

  it('adds a domain with a level, refuses a duplicate, and removes one', async () => {
    const fake = renderTab(ENTRIES);
    await openView('Domains and levels');
    const form = screen.getByRole('form', { name: 'Add a domain' });
    await userEvent.type(within(form).getByRole('textbox', { name: /^Domain/ }), 'bank.example');
    await userEvent.click(within(form).getByRole('button', { name: 'Add' }));
    await screen.findByText('bank.example is already on the list.');

    await userEvent.clear(within(form).getByRole('textbox', { name: /^Domain/ }));
    await userEvent.type(within(form).getByRole('textbox', { name: /^Domain/ }), 'Insurer.example');
    await userEvent.selectOptions(
      within(form).getByRole('combobox', { name: 'Level (TlsSettings)' }),
      'domain-validation',
    );
    await userEvent.type(
      within(form).getByRole('textbox', { name: /^Certificate name/ }),
      '*.insurer.example',
    );
    await userEvent.click(within(form).getByRole('button', { name: 'Add' }));
    await screen.findByText('Added insurer.example. Saved as version 2.');
    expect(fake.current().policy.forcedTlsDomains).toContainEqual({
      domain: 'insurer.example',
      level: 'domain-validation',
      tlsDomain: '*.insurer.example',
    });

    await userEvent.click(screen.getByRole('button', { name: 'Remove bank.example' }));
    await screen.findByText('Removed bank.example. Saved as version 3.');
    expect(fake.current().policy.forcedTlsDomains.map((entry) => entry.domain)).toEqual([
      'insurer.example',
      'partner.example',
    ]);
  });

  it('reloads on a conflict and keeps the other save', async () => {
    const fake = renderTab(ENTRIES);
    await openView('Domains and levels');
    fake.saveElsewhere({
      ...DEFAULT_POLICY,
      forcedTlsDomains: [...ENTRIES, { domain: 'other.example', level: 'encryption-only' }],
    });
    await userEvent.click(screen.getByRole('button', { name: 'Remove bank.example' }));
    await screen.findByText(/Someone else changed the policy meanwhile/);
    expect(fake.saved).toEqual([]);
    expect(screen.getByRole('combobox', { name: 'Level for other.example' })).toBeTruthy();
  });

  it('speaks Dutch', async () => {
    renderTab(ENTRIES, 'nl');
    await openView('Domeinen en niveaus');
    const level = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Niveau voor bank.example' });
    expect(within(level).getByRole<HTMLOptionElement>('option', { selected: true }).textContent).toBe(
      'Domeinvalidatie',
    );
  });
});

const CANDIDATE: Proposal = {
  domain: 'supplier.example',
  warned: 7,
  blocked: 2,
  status: 'opportunistic',
  mx: [
    { host: 'mx.supplier.example', certNames: ['mx.supplier.example'], notAfter: '2027-01-01T00:00:00.000Z' },
  ],
  qualifiesFor: 'domain-validation',
  tlsDomain: 'mx.supplier.example',
  why: [],
  powershell:
    "New-OutboundConnector -Name 'TLS Gate - supplier.example' -ConnectorType Partner -RecipientDomains 'supplier.example' -TlsSettings DomainValidation -TlsDomain 'mx.supplier.example' -RequireTls $true -UseMXRecord $true",
};
const LENIENT: Proposal = {
  ...CANDIDATE,
  domain: 'shop.example',
  warned: 3,
  blocked: 0,
  mx: [{ host: 'mx.shop.example', certNames: ['mx.shop.example'], notAfter: '2027-01-01T00:00:00.000Z' }],
  qualifiesFor: 'encryption-only',
  tlsDomain: null,
  powershell:
    "New-OutboundConnector -Name 'TLS Gate - shop.example' -ConnectorType Partner -RecipientDomains 'shop.example' -TlsSettings EncryptionOnly -RequireTls $true -UseMXRecord $true",
};
const UNSUITABLE: Proposal = {
  ...CANDIDATE,
  domain: 'plain.example',
  status: 'none',
  mx: [{ host: 'mx.plain.example', certNames: [], notAfter: null }],
  qualifiesFor: null,
  tlsDomain: null,
  why: [{ code: 'NO_STARTTLS', host: 'mx.plain.example' }],
  powershell: null,
};

describe('proposed connectors', () => {
  it('turns picked candidates into PowerShell and, in one click, into entries', async () => {
    const fake = renderTab(ENTRIES);
    fake.proposals = { candidates: [CANDIDATE, LENIENT], unsuitable: [UNSUITABLE], days: 30 };
    await openView('Proposed connectors');
    const table = await screen.findByRole('table', { name: 'Candidates' });
    const row = within(table).getByText('supplier.example').closest('tr');
    expect(row?.textContent).toContain('Opportunistic TLS');
    expect(row?.textContent).toContain('mx.supplier.example (certificate for mx.supplier.example)');
    expect(row?.textContent).toContain('Domain validation (mx.supplier.example)');
    expect(screen.getByText(/Pick one or more candidates/)).toBeTruthy();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Pick supplier.example' }));
    const script = screen.getByRole<HTMLTextAreaElement>('textbox', {
      name: 'Exchange Online PowerShell for the picked domains',
    });
    expect(script.value).toBe(CANDIDATE.powershell);
    expect(script.readOnly).toBe(true);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Pick shop.example' }));
    expect(script.value).toBe(`${CANDIDATE.powershell ?? ''}\n${LENIENT.powershell ?? ''}`);

    fake.proposals = { candidates: [], unsuitable: [UNSUITABLE], days: 30 };
    await userEvent.click(screen.getByRole('button', { name: 'Add 2 to forced TLS' }));
    await screen.findByText('Added 2 domains to forced TLS. Saved as version 2.');
    expect(fake.current().policy.forcedTlsDomains).toEqual([
      ...ENTRIES,
      { domain: 'shop.example', level: 'encryption-only' },
      { domain: 'supplier.example', level: 'domain-validation', tlsDomain: 'mx.supplier.example' },
    ]);
    // The list is asked again: the added ones are no longer candidates.
    await screen.findByText(/No candidates/);
    expect(fake.calls.filter((call) => call === 'GET proposals 30')).toHaveLength(2);
  });

  it('lists the unsuitable apart, with why in the words of the health view', async () => {
    const fake = renderTab([], 'nl');
    fake.proposals = { candidates: [], unsuitable: [UNSUITABLE], days: 30 };
    await openView('Voorgestelde connectors');
    const list = await screen.findByRole('list', { name: 'Ongeschikte domeinen' });
    expect(list.textContent).toBe(
      'plain.example (7 gewaarschuwd, 2 geblokkeerd; Geen TLS): mx.plain.example biedt geen STARTTLS',
    );
  });
});

describe('the audit of forced-TLS changes', () => {
  it('shows entries in words, not as JSON', () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <LocalisedProvider value={{ language: 'en', s: ADMIN_STRINGS.en, setLanguage: () => undefined }}>
          <ChangeList
            changes={[
              {
                path: 'forcedTlsDomains',
                added: [
                  { domain: 'bank.example', level: 'domain-validation', tlsDomain: 'mail.bank.example' },
                ],
                removed: [{ domain: 'bank.example', level: 'encryption-only' }],
              },
            ]}
          />
        </LocalisedProvider>
      </FluentProvider>,
    );
    expect(screen.getByRole('listitem').textContent).toBe(
      'forcedTlsDomains: +bank.example: Domain validation (mail.bank.example) −bank.example: Encryption only ',
    );
  });
});
