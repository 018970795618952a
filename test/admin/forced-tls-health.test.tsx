/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import '../support/no-resize-observer';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ForcedTlsHealth } from '../../admin/ForcedTlsHealth';
import { timeByState, timelineSegments } from '../../admin/health-timeline';
import { LocalisedProvider } from '../../admin/language';
import { ADMIN_STRINGS } from '../../admin/strings';
import type { DomainHealth } from '../../src/contract/forced-tls';
import { deliveryVerdict } from '../../src/core/delivery';
import { fakeAdminApi, type FakeAdminApi } from '../support/fake-admin-api';
import { mx, tls } from '../support/reports';

/**
 * The health view: problems first in the server's order, each state in words (not colour alone), the
 * hosts and certificates behind it, "Check now" replacing a domain's state in place, the 90-day timeline
 * named and summarised in words, the alert channels, and Dutch.
 */

jest.setTimeout(30_000);

// jsdom has no canvas: the chart measures its labels with one, and does without when there is none.
HTMLCanvasElement.prototype.getContext = () => null;

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const DAY = 86_400_000;
const at = (ms: number): string => new Date(ms).toISOString();

const plainVerdict = deliveryVerdict(
  { mx: [mx('mx.plain.example', 10, { starttls: false, tls: null })] },
  { level: 'encryption-only' },
  NOW,
);
const expiringVerdict = deliveryVerdict(
  {
    mx: [
      mx('mx.soon.example', 10, {
        tls: tls({ subject: 'CN=mx.soon.example', sans: ['mx.soon.example'], notAfter: at(NOW + 5 * DAY) }),
      }),
    ],
  },
  { level: 'domain-validation', tlsDomain: 'mx.soon.example' },
  NOW,
);
const okVerdict = deliveryVerdict(
  { mx: [mx('mx.good.example', 10)] },
  { level: 'certificate-validation' },
  NOW,
);

const FAILING: DomainHealth = {
  domain: 'plain.example',
  level: 'encryption-only',
  tlsDomain: null,
  checkable: true,
  state: 'failing',
  since: at(NOW - 2 * DAY),
  checkedAt: at(NOW),
  verdict: plainVerdict,
  history: [
    { at: at(NOW - 10 * DAY), state: 'ok', reasons: [] },
    { at: at(NOW - 5 * DAY), state: 'ok', reasons: [] },
    { at: at(NOW - 2 * DAY), state: 'failing', reasons: plainVerdict.reasons },
  ],
};
const AT_RISK: DomainHealth = {
  domain: 'soon.example',
  level: 'domain-validation',
  tlsDomain: 'mx.soon.example',
  checkable: true,
  state: 'at-risk',
  since: at(NOW - DAY),
  checkedAt: at(NOW),
  verdict: expiringVerdict,
  history: [{ at: at(NOW - DAY), state: 'at-risk', reasons: expiringVerdict.reasons }],
};
const OK: DomainHealth = {
  domain: 'good.example',
  level: 'certificate-validation',
  tlsDomain: null,
  checkable: true,
  state: 'ok',
  since: at(NOW - 3 * DAY),
  checkedAt: at(NOW),
  verdict: okVerdict,
  history: [{ at: at(NOW - 3 * DAY), state: 'ok', reasons: [] }],
};
const WILDCARD: DomainHealth = {
  domain: '*.group.example',
  level: 'encryption-only',
  tlsDomain: null,
  checkable: false,
  state: null,
  since: null,
  checkedAt: null,
  verdict: null,
  history: [],
};

function renderHealth(language: 'en' | 'nl' = 'en'): FakeAdminApi {
  const fake = fakeAdminApi();
  fake.health = {
    domains: [FAILING, AT_RISK, WILDCARD, OK],
    intervalSeconds: 21_600,
    alerts: { email: true, webhook: false },
  };
  render(
    <FluentProvider theme={webLightTheme}>
      <LocalisedProvider value={{ language, s: ADMIN_STRINGS[language], setLanguage: () => undefined }}>
        <ForcedTlsHealth api={fake.api} version={1} />
      </LocalisedProvider>
    </FluentProvider>,
  );
  return fake;
}

const cards = async (): Promise<HTMLElement[]> =>
  within(await screen.findByRole('list', { name: /^Forced-TLS domains by delivery state|naar bezorging$/ }))
    .getAllByRole('listitem')
    .filter((item) => item.hasAttribute('data-domain'));

/** The card of one domain. */
async function card(domain: string): Promise<HTMLElement> {
  const found = (await cards()).find((item) => item.getAttribute('data-domain') === domain);
  if (!found) throw new Error(`no card for ${domain}`);
  return found;
}

describe('the health view', () => {
  it('lists problems first, each state in words with its reasons, hosts and expiry', async () => {
    renderHealth();
    const plain = await card('plain.example');
    const soon = await card('soon.example');
    const wildcard = await card('*.group.example');
    const good = await card('good.example');
    expect((await cards()).map((item) => item.getAttribute('data-domain'))).toEqual([
      'plain.example',
      'soon.example',
      '*.group.example',
      'good.example',
    ]);
    expect(within(plain).getByRole('heading').textContent).toBe('plain.example');
    expect(plain.textContent).toContain('Not delivered');
    expect(plain.textContent).toContain(
      'Your organisation requires TLS for plain.example, but mx.plain.example offers no STARTTLS: mail to it will wait in the queue and then return undelivered.',
    );
    // Each host says why it is refused or at risk, in the sentence's words.
    expect(plain.textContent).toContain('mx.plain.example (refused: offers no STARTTLS; no certificate)');
    expect(soon.textContent).toContain('At risk');
    expect(soon.textContent).toContain('Domain validation (mx.soon.example)');
    expect(soon.textContent).toContain(
      'Mail to soon.example is still delivered, but the certificate of mx.soon.example expires on 2026-11-25.',
    );
    expect(soon.textContent).toContain('Soonest certificate expiry25 Nov 2026');
    expect(soon.textContent).toContain(
      'mx.soon.example (accepted, but the certificate expires on 2026-11-25; certificate for mx.soon.example, expires 25 Nov 2026)',
    );
    expect(wildcard.textContent).toContain('Not checked: no single domain to probe.');
    expect(within(wildcard).queryByRole('button')).toBeNull();
    expect(good.textContent).toContain('Delivered');
    expect(
      screen.getByText(/every 6 hours\. Problems come first\. Changes are alerted by email\./),
    ).toBeTruthy();
  });

  it('names and summarises the timeline in words', async () => {
    renderHealth();
    const plain = await card('plain.example');
    const figure = within(plain).getByRole('figure', {
      name: 'Delivery to plain.example, last 90 days: Not delivered: 2 days; Delivered: 8 days',
    });
    // Fluent's Gantt chart, from its own chunk: one bar per period.
    await waitFor(() => {
      expect(figure.querySelectorAll('svg [role="option"]')).toHaveLength(2);
    });
  });

  it('checks a domain now and shows the new state in place', async () => {
    const fake = renderHealth();
    const recovered: DomainHealth = {
      ...FAILING,
      state: 'ok',
      since: at(NOW + 60_000),
      checkedAt: at(NOW + 60_000),
      verdict: deliveryVerdict({ mx: [mx('mx.plain.example', 10)] }, { level: 'encryption-only' }, NOW),
      history: [...FAILING.history, { at: at(NOW + 60_000), state: 'ok', reasons: [] }],
    };
    fake.checks.set('plain.example', recovered);
    const plain = await card('plain.example');
    await userEvent.click(within(plain).getByRole('button', { name: 'Check plain.example now' }));
    await within(plain).findByText('Checked plain.example: Delivered.');
    expect(fake.calls).toContain('POST check plain.example');
    expect(plain.querySelector('[data-state]')?.textContent).toBe('Delivered');
    // In place: the server's order stays until the view is loaded again.
    expect((await cards())[0]?.getAttribute('data-domain')).toBe('plain.example');
  });

  it('says why a check failed, at the domain', async () => {
    renderHealth();
    const soon = await card('soon.example');
    await userEvent.click(within(soon).getByRole('button', { name: 'Check soon.example now' }));
    await waitFor(() => {
      expect(soon.textContent).toContain('not listed');
    });
  });

  it('speaks Dutch', async () => {
    renderHealth('nl');
    const plain = await card('plain.example');
    const soon = await card('soon.example');
    expect(plain.textContent).toContain('Wordt niet bezorgd');
    expect(plain.textContent).toContain(
      'Uw organisatie vereist TLS voor plain.example, maar mx.plain.example biedt geen STARTTLS',
    );
    expect(soon.textContent).toContain('Risico');
    expect(plain.textContent).toContain(
      'mx.plain.example (geweigerd: biedt geen STARTTLS; geen certificaat)',
    );
    expect(soon.textContent).toContain(
      'mx.soon.example (geaccepteerd, maar het certificaat verloopt op 2026-11-25; certificaat voor mx.soon.example',
    );
    expect(screen.getByText(/elke 6 uur .* Wijzigingen worden gemeld per e-mail\./)).toBeTruthy();
    expect(within(plain).getByRole('button', { name: 'plain.example nu controleren' })).toBeTruthy();
  });
});

describe('the timeline periods', () => {
  it('runs each check until the next, joining checks in a row with the same state', () => {
    const segments = timelineSegments(FAILING.history, NOW);
    expect(segments).toEqual([
      { state: 'ok', start: NOW - 10 * DAY, end: NOW - 2 * DAY },
      { state: 'failing', start: NOW - 2 * DAY, end: NOW },
    ]);
    expect(timeByState(segments)).toEqual([
      { state: 'failing', ms: 2 * DAY },
      { state: 'ok', ms: 8 * DAY },
    ]);
    expect(timelineSegments([], NOW)).toEqual([]);
  });
});
