/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": [""]}
 */
import '../support/jsdom-globals';
import { screen, waitFor, within } from '@testing-library/react';
import { compact, STATUSES_KEY, type StatusCache } from '../../addin/shared/session-cache';
import { deliveryVerdict } from '../../src/core/delivery';
import { DEFAULT_POLICY, type ForcedTlsEntry, type OrgPolicy } from '../../src/core/policy';
import type { DomainReport, MxReport } from '../../src/core/report';
import { asLookup, mx, report, tls } from '../support/reports';
import { domainRow as row, renderPane, setupBackend, to, WAIT } from '../support/taskpane-harness';

/**
 * A recipient domain under the org's TLS-required connector: the row stays "Enforced TLS", but says in words
 * when the connector would refuse every mail server (the mail would bounce), and why.
 */

const backend = setupBackend();

const ENTRY: ForcedTlsEntry = { domain: 'partner.example', level: 'encryption-only' };
const POLICY: OrgPolicy = {
  ...DEFAULT_POLICY,
  forcedTlsDomains: [ENTRY, { domain: 'healthy.example', level: 'encryption-only' }],
};

/** What the backend answers for a forced-TLS domain (src/server/lookup.ts applyForcedTls): enforced + verdict. */
function forcedReport(domain: string, hosts: MxReport[]): DomainReport {
  return report(domain, 'enforced', {
    enforcement: ['policy'],
    mx: hosts,
    delivery: deliveryVerdict({ mx: hosts }, ENTRY, Date.now()),
  });
}

const failing = forcedReport('partner.example', [
  mx('mx.partner.example', 10, { starttls: false, tls: null }),
]);
const healthy = forcedReport('healthy.example', [mx('mx.healthy.example', 10)]);
const legacy = forcedReport('healthy.example', [
  mx('mx.healthy.example', 10, { tls: tls({ version: 'TLSv1', legacy: true }) }),
]);

const FAILING_EN =
  'Your organisation requires TLS for partner.example, but mx.partner.example offers no STARTTLS: mail to it will wait in the queue and then return undelivered.';
const FAILING_NL =
  'Uw organisatie vereist TLS voor partner.example, maar mx.partner.example biedt geen STARTTLS: mail ernaartoe blijft in de wachtrij staan en komt daarna onbestelbaar terug.';

async function checked(): Promise<void> {
  const list = await screen.findByRole('list', { name: /Recipient domains|Domeinen van ontvangers/ });
  await waitFor(() => {
    expect(within(list).queryByText(/Checking…|Controleren…/)).toBeNull();
  }, WAIT);
}

describe('a forced-TLS recipient domain', () => {
  beforeEach(() => {
    backend.policy = POLICY;
  });

  it('that will not take the mail says so with the reason, and stays "Enforced TLS"', async () => {
    expect(failing.delivery?.state).toBe('failing');
    backend.set('partner.example', failing).set('healthy.example', healthy);
    renderPane({ draft: { to: to('ann@partner.example', 'bo@healthy.example'), body: 'See you at noon.' } });
    await checked();
    const partner = within(row('partner.example'));
    expect(partner.getByText('Enforced TLS')).toBeTruthy();
    expect(partner.getByText(FAILING_EN)).toBeTruthy();
    expect(row('partner.example').getAttribute('data-delivery')).toBe('failing');
    // The summary counts it as enforced, and says apart that it will not receive the mail.
    expect(
      screen.getByText('Checked 2 domains; 0 without enforced TLS; 1 will not receive mail.'),
    ).toBeTruthy();

    // A healthy one says nothing about delivery.
    const ok = row('healthy.example');
    expect(within(ok).getByText('Enforced TLS')).toBeTruthy();
    expect(ok.textContent).not.toMatch(/undelivered|still delivered/);

    // The verdict is the send check's: a warning, whatever the content.
    const verdict = await screen.findByTestId('verdict', {}, WAIT);
    expect(within(verdict).getByText('TLS Gate will warn')).toBeTruthy();
    expect(verdict.textContent).toContain('This message will not be delivered to partner.example');
  });

  it('says it in Dutch when Outlook does', async () => {
    backend.set('partner.example', failing).set('healthy.example', healthy);
    renderPane({
      displayLanguage: 'nl-NL',
      draft: { to: to('ann@partner.example', 'bo@healthy.example') },
    });
    await checked();
    expect(within(row('partner.example')).getByText('Afgedwongen TLS')).toBeTruthy();
    expect(within(row('partner.example')).getByText(FAILING_NL)).toBeTruthy();
    expect(row('healthy.example').textContent).not.toMatch(/onbestelbaar|nog bezorgd/);
    expect(
      screen.getByText('2 domeinen gecontroleerd; 0 zonder afgedwongen TLS; 1 ontvangt geen mail.'),
    ).toBeTruthy();
  });

  it('whose delivery is at risk gets a quieter note, and the message goes', async () => {
    expect(legacy.delivery?.state).toBe('at-risk');
    backend.set('healthy.example', legacy);
    renderPane({ draft: { to: to('bo@healthy.example'), body: 'See you at noon.' } });
    await checked();
    expect(
      within(row('healthy.example')).getByText(
        'Mail to healthy.example is still delivered, but mx.healthy.example offers only TLS 1.0 or 1.1.',
      ),
    ).toBeTruthy();
    const verdict = await screen.findByTestId('verdict', {}, WAIT);
    expect(within(verdict).getByText('The message will be sent')).toBeTruthy();
    // At risk is still delivered: the summary adds nothing.
    expect(screen.getByText('Checked 1 domain; 0 without enforced TLS.')).toBeTruthy();
  });

  it('keeps the sentence from the prefetched status when the backend cannot be reached', async () => {
    const cache: StatusCache = {
      fetchedAt: Date.now(),
      byAddress: { 'ann@partner.example': compact(asLookup(failing)) },
    };
    backend.failure = 'network';
    renderPane({
      draft: { to: to('ann@partner.example'), sessionData: { [STATUSES_KEY]: JSON.stringify(cache) } },
    });
    // The lookup failed, and the row still says it: the sentence came from sessionData.
    expect(await screen.findByText('TLS Gate could not be reached.', {}, WAIT)).toBeTruthy();
    expect(within(row('partner.example')).getByText(FAILING_EN)).toBeTruthy();
    expect(within(row('partner.example')).getByText('Enforced TLS')).toBeTruthy();
  });
});
