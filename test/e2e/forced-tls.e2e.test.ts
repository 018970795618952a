import type { Page } from 'playwright-core';
import type { ForcedTlsEntry } from '../../src/core/policy';
import { axeViolations } from '../support/axe';
import { MailInternet, type MailHost } from '../support/mail-internet';
import { saveScreenshot } from '../support/screenshots';
import { cspViolationsOf, startUiServer, useChromium, type UiServer } from '../support/ui-server';
import { startWebhookInbox, type WebhookInbox } from '../support/webhook-inbox';

/**
 * The Forced-TLS tab in headless Chromium against the real backend, which probes partners on the loopback
 * mail internet: delivery health (problems first, states in words, the 90-day chart, "Check now" seeing
 * a partner recover) and connectors proposed from activity (the exact PowerShell, one click to add), in
 * English and Dutch, axe clean. The tests run in order and build on each other's policy versions.
 *
 * Screenshots go to test-output/screenshots; with UPDATE_SCREENSHOTS=1 the docs' pictures are renewed too.
 */

// A build before the first test, real probes in every step; CI runs this beside other suites on two cores.
jest.setTimeout(120_000);

const ADMIN_TOKEN = 'forced-tls-e2e-'.padEnd(48, 'x');
const HOUR = 3_600_000;

const POLICY: ForcedTlsEntry[] = [
  { domain: 'healthy.example', level: 'domain-validation', tlsDomain: 'mx.healthy.example' },
  { domain: 'plain.example', level: 'encryption-only' },
  { domain: 'soon.example', level: 'certificate-validation' },
  { domain: 'moving.example', level: 'encryption-only' },
  { domain: '*.group.example', level: 'encryption-only' },
];
const SUPPLIER_POWERSHELL =
  "New-OutboundConnector -Name 'TLS Gate - supplier.example' -ConnectorType Partner -RecipientDomains 'supplier.example' -TlsSettings DomainValidation -TlsDomain 'mx.supplier.example' -RequireTls $true -UseMXRecord $true";

let internet: MailInternet;
let movingGood: MailHost;
let webhook: WebhookInbox;
let server: UiServer;
let page: Page;
const browser = useChromium({
  viewport: { width: 1280, height: 900 },
  onPage: (opened) => {
    page = opened;
  },
});

/** The API with the admin token, through the browser's request context (it takes the run's test CA). */
async function api(method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown, version?: number) {
  const response = await browser().request.fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(version === undefined ? {} : { 'if-match': `"policy-v${version}"` }),
    },
    ...(data === undefined ? {} : { data }),
  });
  const body = (await response.json()) as unknown;
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${JSON.stringify(body)}`);
  return body;
}

const currentPolicy = async () =>
  (await api('GET', '/policy')) as { version: number; policy: { forcedTlsDomains: ForcedTlsEntry[] } };

beforeAll(async () => {
  internet = await MailInternet.start();
  await internet.mailHost({ name: 'mx.healthy.example' });
  internet.mx('healthy.example', [[10, 'mx.healthy.example']]);
  await internet.mailHost({ name: 'mx.plain.example', mode: 'plain', cert: 'none' });
  internet.mx('plain.example', [[10, 'mx.plain.example']]);
  await internet.mailHost({ name: 'mx.soon.example', cert: 'expiring' });
  internet.mx('soon.example', [[10, 'mx.soon.example']]);
  // moving.example's MX lost STARTTLS; its name is moved to a good host during the test.
  await internet.mailHost({ name: 'mx.moving.example', mode: 'plain', cert: 'none' });
  movingGood = await internet.mailHost({ name: 'mx.moving.example', aRecord: false });
  internet.mx('moving.example', [[10, 'mx.moving.example']]);
  // Traffic for the proposals: one partner that could take a connector, one that could not.
  await internet.mailHost({ name: 'mx.supplier.example' });
  internet.mx('supplier.example', [[10, 'mx.supplier.example']]);
  await internet.mailHost({ name: 'mx.oldpost.example', mode: 'plain', cert: 'none' });
  internet.mx('oldpost.example', [[10, 'mx.oldpost.example']]);
  webhook = await startWebhookInbox('/alerts');

  server = await startUiServer({
    statuses: {},
    mailInternet: { dnsServers: internet.probeOptions.dnsServers, extraCa: internet.probeOptions.extraCa },
    // No scheduled checks: the test decides what has been checked.
    health: { tickMs: 0 },
    config: {
      adminToken: ADMIN_TOKEN,
      health: { intervalMs: 6 * HOUR, alertEmails: [], alertWebhookUrl: webhook.url },
    },
  });
  await browser().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await api('PUT', '/admin/policy', { ...(await currentPolicy()).policy, forcedTlsDomains: POLICY }, 0);
  for (const domain of ['healthy.example', 'plain.example', 'soon.example', 'moving.example'])
    await api('POST', '/admin/forced-tls/health/check', { domain });
  for (const [decision, domain, times] of [
    ['warned', 'supplier.example', 3],
    ['blocked', 'supplier.example', 1],
    ['warned', 'oldpost.example', 2],
  ] as const)
    for (let i = 0; i < times; i++)
      await browser().request.post(`${server.url}/api/v1/events`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        data: { decision, riskyDomains: [domain], detectionTypes: ['iban'] },
      });
}, 300_000);

afterAll(async () => {
  await server.close();
  await webhook.close();
  await internet.close();
});

async function signIn(): Promise<void> {
  await page.goto(`${server.url}/admin#forced-tls`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in with token' }).click();
  await page.getByText('Signed in as').waitFor();
}

async function screenshot(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await saveScreenshot(page, name);
}

const card = (domain: string) => page.locator(`li[data-domain="${domain}"]`);

/** The cards' domains in the order shown. */
const shownOrder = (list: string) =>
  page
    .getByRole('list', { name: list })
    .locator('li[data-domain]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-domain')));

describe('the Forced-TLS tab in Chromium', () => {
  it('shows delivery health, problems first, and "Check now" sees a partner recover', async () => {
    await signIn();
    const list = 'Forced-TLS domains by delivery state';
    await page.getByRole('list', { name: list }).waitFor();
    await expect(shownOrder(list)).resolves.toEqual([
      'moving.example',
      'plain.example',
      'soon.example',
      'healthy.example',
      '*.group.example',
    ]);
    const state = (domain: string) => card(domain).locator('[data-state]').textContent();
    await expect(state('plain.example')).resolves.toBe('Not delivered');
    await expect(state('soon.example')).resolves.toBe('At risk');
    await expect(state('healthy.example')).resolves.toBe('Delivered');
    await expect(card('plain.example').textContent()).resolves.toContain(
      'Your organisation requires TLS for plain.example, but mx.plain.example offers no STARTTLS: mail to it will wait in the queue and then return undelivered.',
    );
    await expect(card('soon.example').textContent()).resolves.toMatch(
      /Mail to soon\.example is still delivered, but the certificate of mx\.soon\.example expires on \d{4}-\d\d-\d\d\./,
    );
    await expect(card('healthy.example').textContent()).resolves.toContain(
      'Domain validation (mx.healthy.example)',
    );
    await expect(card('healthy.example').textContent()).resolves.toContain(
      'mx.healthy.example (accepted; certificate for mx.healthy.example, expires',
    );
    await expect(card('*.group.example').textContent()).resolves.toContain(
      'Not checked: no single domain to probe.',
    );
    await page.getByText('Changes are alerted to the webhook.').waitFor();

    // The 90-day chart: named and summarised in words, drawn by Fluent's charts in its own chunk.
    const chart = page.getByRole('figure', {
      name: /^Delivery to plain\.example, last 90 days: Not delivered: /,
    });
    await chart.locator('svg [role="option"]').first().waitFor();

    // The partner fixes its mail server: the name now leads to a host with STARTTLS.
    internet.dns.remove('mx.moving.example', 'A');
    internet.a('mx.moving.example', movingGood.ip);
    const moving = card('moving.example');
    await moving.getByRole('button', { name: 'Check moving.example now' }).click();
    await moving.getByText('Checked moving.example: Delivered.').waitFor();
    await expect(moving.locator('[data-state]').textContent()).resolves.toBe('Delivered');
    // The recovery is alerted too, without the check waiting for it.
    await webhook.waitFor((request) => {
      const alert = (request.body as { tlsgate?: { domain?: string; to?: string } }).tlsgate;
      return alert?.domain === 'moving.example' && alert.to === 'ok';
    }, 20_000);
    // Its history now holds both states: the chart has a row for each.
    await moving
      .getByRole('figure', {
        name: /^Delivery to moving\.example, last 90 days: Not delivered: .*; Delivered: /,
      })
      .waitFor();

    await screenshot('forced-tls-health.png');
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolationsOf(page)).toEqual([]);
  });

  it('proposes a connector from traffic: exact PowerShell, and one click adds it', async () => {
    await signIn();
    await page.getByRole('tab', { name: 'Proposed connectors' }).click();
    const candidates = page.getByRole('table', { name: 'Candidates' });
    await candidates.waitFor();
    const row = candidates.locator('tr[data-domain="supplier.example"]');
    await expect(row.locator('td').allTextContents()).resolves.toEqual([
      '',
      'supplier.example',
      '3',
      '1',
      'Opportunistic TLS',
      'mx.supplier.example (certificate for mx.supplier.example)',
      'Domain validation (mx.supplier.example)',
    ]);
    await expect(page.getByRole('list', { name: 'Unsuitable domains' }).textContent()).resolves.toBe(
      'oldpost.example (2 warned, 0 blocked; No TLS): mx.oldpost.example offers no STARTTLS',
    );

    await page.getByRole('checkbox', { name: 'Pick supplier.example' }).check();
    const script = page.getByRole('textbox', { name: 'Exchange Online PowerShell for the picked domains' });
    await expect(script.inputValue()).resolves.toBe(SUPPLIER_POWERSHELL);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(SUPPLIER_POWERSHELL);
    await screenshot('forced-tls-proposals.png');
    expect(await axeViolations(page)).toEqual([]);

    const before = (await currentPolicy()).version;
    await page.getByRole('button', { name: 'Add 1 to forced TLS' }).click();
    await page.getByText(`Added 1 domain to forced TLS. Saved as version ${before + 1}.`).waitFor();
    await expect(currentPolicy()).resolves.toMatchObject({
      version: before + 1,
      policy: {
        forcedTlsDomains: expect.arrayContaining([
          { domain: 'supplier.example', level: 'domain-validation', tlsDomain: 'mx.supplier.example' },
        ]) as unknown,
      },
    });
    // Now covered by the policy, it is no longer proposed.
    await page.getByText(/^No candidates/).waitFor();

    await page.getByRole('tab', { name: 'Domains and levels' }).click();
    await expect(
      page.getByRole('combobox', { name: 'Level for supplier.example' }).inputValue(),
    ).resolves.toBe('domain-validation');
    expect(await axeViolations(page, 'entries: ')).toEqual([]);
    expect(await cspViolationsOf(page)).toEqual([]);
  });

  it('speaks Dutch in both views, axe clean', async () => {
    await signIn();
    await page.getByLabel('Language', { exact: true }).selectOption('nl');
    const list = 'Domeinen met afgedwongen TLS, naar bezorging';
    await page.getByRole('list', { name: list }).waitFor();
    const state = (domain: string) => card(domain).locator('[data-state]').textContent();
    await expect(state('plain.example')).resolves.toBe('Wordt niet bezorgd');
    await expect(state('soon.example')).resolves.toBe('Risico');
    await expect(state('moving.example')).resolves.toBe('Wordt bezorgd');
    await expect(card('plain.example').textContent()).resolves.toContain(
      'Uw organisatie vereist TLS voor plain.example, maar mx.plain.example biedt geen STARTTLS: mail ernaartoe blijft in de wachtrij staan en komt daarna onbestelbaar terug.',
    );
    await expect(card('*.group.example').textContent()).resolves.toContain(
      'Niet gecontroleerd: er is niet één domein om te controleren.',
    );
    await page.getByText('Wijzigingen worden gemeld aan de webhook.').waitFor();
    await page
      .getByRole('figure', {
        name: /^Bezorging aan plain\.example, afgelopen 90 dagen: Wordt niet bezorgd: /,
      })
      .locator('svg [role="option"]')
      .first()
      .waitFor();
    await card('plain.example').getByRole('button', { name: 'plain.example nu controleren' }).click();
    await card('plain.example').getByText('plain.example gecontroleerd: Wordt niet bezorgd.').waitFor();
    expect(await axeViolations(page, 'health nl: ')).toEqual([]);

    await page.getByRole('tab', { name: 'Voorgestelde connectors' }).click();
    await expect(page.getByRole('list', { name: 'Ongeschikte domeinen' }).textContent()).resolves.toBe(
      'oldpost.example (2 gewaarschuwd, 0 geblokkeerd; Geen TLS): mx.oldpost.example biedt geen STARTTLS',
    );
    expect(await axeViolations(page, 'proposals nl: ')).toEqual([]);

    await page.getByRole('tab', { name: 'Domeinen en niveaus' }).click();
    await page.getByRole('combobox', { name: 'Niveau voor supplier.example' }).waitFor();
    expect(await axeViolations(page, 'entries nl: ')).toEqual([]);
    await page.getByLabel('Taal', { exact: true }).selectOption('en');
    expect(await cspViolationsOf(page)).toEqual([]);
  });
});
