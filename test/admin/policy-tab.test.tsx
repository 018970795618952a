/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AdminApi, PolicyDocument, Validation } from '../../admin/api';
import { LocalisedProvider } from '../../admin/language';
import { PolicyTab } from '../../admin/PolicyTab';
import { ADMIN_STRINGS } from '../../admin/strings';
import { createApiClient } from '../../addin/shared/api';
import { DEFAULT_POLICY } from '../../src/core/policy';

/** The Policy tab's portal expiry fields: shown from the policy, edited into the draft, checked, listed. */

jest.setTimeout(30_000);

const DOCUMENT: PolicyDocument = {
  policy: { ...DEFAULT_POLICY, portal: true },
  version: 3,
  updatedAt: null,
  updatedBy: 'default',
};

function renderTab(language: 'en' | 'nl' = 'en') {
  const validated: unknown[] = [];
  const api = {
    // The preview's lookups go nowhere: this test is about the form.
    lookups: createApiClient({
      baseUrl: 'https://tlsgate.example.test',
      fetch: () => Promise.reject(new Error('offline')),
    }),
    validatePolicy: (candidate: unknown): Promise<Validation> => {
      validated.push(candidate);
      return Promise.resolve({
        valid: true,
        changes: [{ path: 'portalDefaultExpiryDays', before: 14, after: 7 }],
      });
    },
  } as unknown as AdminApi;
  render(
    <FluentProvider theme={webLightTheme}>
      <LocalisedProvider value={{ language, s: ADMIN_STRINGS[language], setLanguage: () => undefined }}>
        <PolicyTab
          api={api}
          policy={{ current: DOCUMENT, replace: () => undefined, reload: () => Promise.resolve() }}
        />
      </LocalisedProvider>
    </FluentProvider>,
  );
  return { validated };
}

beforeEach(() => {
  window.sessionStorage.clear();
});

describe('portal expiry in the Policy tab', () => {
  it("shows the policy's days, and an edit goes into the draft and into What will change", async () => {
    const { validated } = renderTab();
    const days = screen.getByRole<HTMLInputElement>('spinbutton', {
      name: 'Portal messages readable for (days)',
    });
    const max = screen.getByRole<HTMLInputElement>('spinbutton', {
      name: 'At most, extensions included (days)',
    });
    expect(days.value).toBe('14');
    expect(max.value).toBe('90');

    await userEvent.clear(days);
    await userEvent.type(days, '7{Enter}');
    const json = screen.getByRole<HTMLTextAreaElement>('textbox', { name: ADMIN_STRINGS.en.wholePolicy });
    expect(JSON.parse(json.value)).toMatchObject({ portalDefaultExpiryDays: 7, portalMaxExpiryDays: 90 });
    await waitFor(() => {
      expect(validated).toEqual([expect.objectContaining({ portalDefaultExpiryDays: 7 })]);
    });
    const changes = await screen.findByRole('region', { name: 'What will change' });
    expect(within(changes).getByText('portalDefaultExpiryDays')).toBeTruthy();
  });

  it('speaks Dutch', () => {
    renderTab('nl');
    expect(
      screen.getByRole('spinbutton', { name: 'Portaalberichten leesbaar gedurende (dagen)' }),
    ).toBeTruthy();
    expect(
      screen.getByRole('spinbutton', { name: 'Hoogstens, verlengingen meegeteld (dagen)' }),
    ).toBeTruthy();
  });
});

describe('forced-TLS entries in the policy editor', () => {
  const json = (): HTMLTextAreaElement =>
    screen.getByRole<HTMLTextAreaElement>('textbox', { name: ADMIN_STRINGS.en.wholePolicy });

  it('reads plain domain strings as encryption-only entries, as the API does', async () => {
    renderTab();
    const policy = JSON.parse(json().value) as Record<string, unknown>;
    await userEvent.clear(json());
    await userEvent.click(json());
    await userEvent.paste(JSON.stringify({ ...policy, forcedTlsDomains: ['partner.example'] }));
    // Still a policy the form can edit; an edit through the form writes the entry out.
    const days = screen.getByRole('spinbutton', { name: 'Portal messages readable for (days)' });
    await userEvent.clear(days);
    await userEvent.type(days, '7{Enter}');
    expect(JSON.parse(json().value)).toMatchObject({
      forcedTlsDomains: [{ domain: 'partner.example', level: 'encryption-only' }],
    });
  });

  it('leaves the form out while an entry has no known level', async () => {
    renderTab();
    const policy = JSON.parse(json().value) as Record<string, unknown>;
    await userEvent.clear(json());
    await userEvent.click(json());
    await userEvent.paste(JSON.stringify({ ...policy, forcedTlsDomains: [{ domain: 'partner.example' }] }));
    expect(screen.queryByRole('spinbutton', { name: 'Portal messages readable for (days)' })).toBeNull();
  });
});
