import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations } from '../support/axe';
import type { DomainStatus } from '../../src/core/status';
import {
  startOidcProvider,
  startTestIssuer,
  TEST_AUDIENCE,
  testEntraConfig,
  type TestIssuer,
  type TestOidcProvider,
} from '../support/entra';
import { createTestCa } from '../support/pki';
import { cspViolationsOf, startUiServer, useChromium, type UiServer } from '../support/ui-server';

/**
 * The admin console (/admin) in headless Chromium against the real backend with Entra auth: signing in
 * through a stand-in for Microsoft's sign-in (authorization code + PKCE, tokens the backend verifies),
 * the policy editor's live preview, the Exchange connector import, rollback, lookups, activity and CSV.
 * The tests run in order and build on each other's policy versions.
 */

jest.setTimeout(90_000);

const SCREENSHOTS = join(__dirname, '../../test-output/screenshots');
const CLIENT_ID = '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90';
const ADMIN_TOKEN = 'admin-console-e2e-'.padEnd(48, 'x');
const STATUSES: Record<string, DomainStatus> = {
  'gmail.com': 'opportunistic',
  'plain.example': 'none',
  'secure.example': 'enforced',
};
const CONNECTORS = JSON.stringify([
  {
    Name: 'Partner TLS',
    Enabled: true,
    TlsSettings: 'DomainValidation',
    TlsDomain: 'mx.partner.example',
    RecipientDomains: ['partner.example', 'bank.example'],
  },
  { Name: 'Everything else', Enabled: true, TlsSettings: null, RecipientDomains: ['*'] },
]);

let issuer: TestIssuer;
let provider: TestOidcProvider;
let server: UiServer;
let page: Page;
useChromium({
  viewport: { width: 1280, height: 900 },
  onPage: (opened) => {
    page = opened;
  },
});

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  issuer = await startTestIssuer();
  const ca = await createTestCa('TLS Gate sign-in test CA');
  const leaf = await ca.issue({ commonName: '127.0.0.1', sans: ['localhost'] });
  provider = await startOidcProvider(issuer, { cert: leaf.fullChainPem, key: leaf.keyPem }, CLIENT_ID);
  server = await startUiServer({
    statuses: STATUSES,
    config: {
      auth: 'entra',
      entra: testEntraConfig(issuer),
      adminConsole: {
        authority: provider.authority,
        clientId: CLIENT_ID,
        scope: `${TEST_AUDIENCE}/.default`,
      },
      adminToken: ADMIN_TOKEN,
    },
  });
}, 240_000);

afterAll(async () => {
  await server.close();
  await provider.close();
  await issuer.close();
});

const cspViolations = (): Promise<string[]> => cspViolationsOf(page);

/** The policy as the API has it, asked with the admin token (not through the page). */
async function currentPolicy(): Promise<{
  version: number;
  policy: { forcedTlsDomains: unknown[]; actions: Record<string, string> };
}> {
  const response = await page.request.get(`${server.url}/api/v1/policy`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return (await response.json()) as Awaited<ReturnType<typeof currentPolicy>>;
}

async function signInWithMicrosoft(): Promise<void> {
  await page.goto(`${server.url}/admin`);
  await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
}

async function openTab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

const pageViolations = () => axeViolations(page);

const previewLine = (sample: string) => page.locator(`li[data-sample="${sample}"]`);

describe('the admin console in Chromium', () => {
  it('signs an admin in with Microsoft (code + PKCE) and shows the console', async () => {
    provider.user = { oid: 'admin-1', name: 'Ada Admin', roles: ['TLSGate.Admin'] };
    await signInWithMicrosoft();
    await page.getByText('Signed in as').waitFor();
    await expect(page.locator('header').textContent()).resolves.toContain('Ada Admin');
    const request = provider.requests.at(-1);
    expect(request?.get('code_challenge_method')).toBe('S256');
    expect(request?.get('redirect_uri')).toBe(`${server.url}/admin`);
    expect(request?.get('scope')).toBe(`openid profile ${TEST_AUDIENCE}/.default`);
    // The spent code is not left in the address bar.
    expect(new URL(page.url()).search).toBe('');
    expect(await cspViolations()).toEqual([]);
  });

  it('turns away a signed-in user without the admin role', async () => {
    provider.user = { oid: 'user-2', name: 'Nora User' };
    await signInWithMicrosoft();
    await page.getByRole('alert').getByText('without the TLS Gate admin role').waitFor();
    await expect(page.getByRole('tab', { name: 'Policy' }).count()).resolves.toBe(0);
  });

  it('previews the draft policy live, then saves it', async () => {
    provider.user = { oid: 'admin-1', name: 'Ada Admin', roles: ['TLSGate.Admin'] };
    await signInWithMicrosoft();
    await previewLine('bsn').waitFor();
    await expect(previewLine('bsn').textContent()).resolves.toBe(
      'With this policy, sending a BSN to gmail.com would: block',
    );
    await expect(previewLine('plain').textContent()).resolves.toContain('would: allow');

    await page.getByLabel('High sensitivity').selectOption('warn');
    await page.getByText('With this policy, sending a BSN to gmail.com would: warn').waitFor();
    // Nothing is saved yet: the server still has the defaults.
    expect((await currentPolicy()).version).toBe(0);

    // The server's checks show up next to the editor, with the field's path.
    await page.getByLabel('High sensitivity').selectOption('block');
    const json = page.getByRole('textbox', { name: /The whole policy/ });
    const text = await json.inputValue();
    await json.fill(text.replace('"unknownAs": "warn"', '"unknownAs": "sometimes"'));
    await page.getByRole('list', { name: 'Problems' }).getByText('unknownAs').waitFor();
    await expect(page.getByRole('button', { name: 'Save policy' }).isDisabled()).resolves.toBe(true);
    await json.fill(text);

    await page.getByLabel('High sensitivity').selectOption('warn');
    await page.getByRole('region', { name: 'What will change' }).getByText('actions.high').waitFor();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Saved as version 1.').waitFor();
    await expect(currentPolicy()).resolves.toMatchObject({
      version: 1,
      policy: { actions: { high: 'warn' } },
    });

    await page.getByLabel('Recipient domain').fill('secure.example');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('With this policy, sending a BSN to secure.example would: allow').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-policy.png'), fullPage: true });
    expect(await pageViolations()).toEqual([]);
    expect(await cspViolations()).toEqual([]);
  });

  it('imports Exchange connectors, showing what changes before applying it', async () => {
    await signInWithMicrosoft();
    await openTab('Forced-TLS domains');
    await page.getByRole('tab', { name: 'Domains and levels' }).click();
    await page.getByLabel('Get-OutboundConnector output (JSON)').fill('{"Name": ');
    await page.getByRole('button', { name: 'Preview import' }).click();
    await page.getByRole('alert').getByText(/JSON/).waitFor();

    await page.getByLabel('Get-OutboundConnector output (JSON)').fill(CONNECTORS);
    await page.getByRole('button', { name: 'Preview import' }).click();
    const added = page.getByRole('list', { name: 'Will be added' });
    await added.waitFor();
    await expect(added.locator('li').allTextContents()).resolves.toEqual([
      '+bank.example: Domain validation (mx.partner.example)',
      '+partner.example: Domain validation (mx.partner.example)',
    ]);
    await expect(page.getByRole('list', { name: 'Left out' }).textContent()).resolves.toContain(
      'Everything else',
    );
    expect((await currentPolicy()).policy.forcedTlsDomains).toEqual([]);

    await page.getByRole('button', { name: 'Apply: add 2 domains, change 0' }).click();
    await page.getByText('Imported: 2 domains added, 0 changed. Saved as version 2.').waitFor();
    await expect(
      page
        .getByRole('table', { name: 'Forced-TLS domains' })
        .locator('tbody tr td:first-child')
        .allTextContents(),
    ).resolves.toEqual(['bank.example', 'partner.example']);
    expect((await currentPolicy()).policy.forcedTlsDomains).toEqual([
      { domain: 'bank.example', level: 'domain-validation', tlsDomain: 'mx.partner.example' },
      { domain: 'partner.example', level: 'domain-validation', tlsDomain: 'mx.partner.example' },
    ]);

    await page.getByRole('button', { name: 'Remove bank.example' }).click();
    await page.getByText('Removed bank.example. Saved as version 3.').waitFor();
  });

  it('shows the history with diffs and rolls back with one click', async () => {
    await signInWithMicrosoft();
    await openTab('History');
    const v2 = page.getByRole('listitem', { name: 'Version 2' });
    await v2.waitFor();
    await expect(v2.textContent()).resolves.toContain('+bank.example');
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Version 1 is back, as version 4.').waitFor();
    await page.getByRole('listitem', { name: 'Version 4' }).getByText('Rolled back to version 1').waitFor();
    await expect(currentPolicy()).resolves.toMatchObject({
      version: 4,
      policy: { forcedTlsDomains: [], actions: { high: 'warn' } },
    });
    await openTab('Forced-TLS domains');
    await page.getByRole('tab', { name: 'Domains and levels' }).click();
    await page.getByText('None yet.').waitFor();
  });

  it('keeps unsaved edits across a reload, and when someone else saves first', async () => {
    await signInWithMicrosoft();
    await page.getByLabel('Medium sensitivity').selectOption('block');
    await page.getByRole('region', { name: 'What will change' }).getByText('actions.medium').waitFor();
    await page.reload();
    await page.getByText('Your unsaved edits are back.').waitFor();
    await expect(page.getByLabel('Medium sensitivity').inputValue()).resolves.toBe('block');

    // Another admin saves in between.
    const before = await currentPolicy();
    const put = await page.request.put(`${server.url}/api/v1/admin/policy`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'if-match': `"policy-v${before.version}"` },
      data: { ...before.policy, trustedDomains: ['other.example'] },
    });
    expect(put.status()).toBe(200);

    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Someone else changed the policy meanwhile. Your edits are kept').waitFor();
    await expect(page.getByLabel('Medium sensitivity').inputValue()).resolves.toBe('block');
    // The diff now compares with their version, so the admin sees that saving would undo their change.
    const changes = page.getByRole('region', { name: 'What will change' });
    await changes.getByText('trustedDomains').waitFor();
    await expect(changes.textContent()).resolves.toContain('−other.example');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Saved as version 6.').waitFor();
    await expect(currentPolicy()).resolves.toMatchObject({
      version: 6,
      policy: { actions: { medium: 'block' }, trustedDomains: [] },
    });
  });

  it('edits organisation rules in a form and tries them on your own text', async () => {
    await signInWithMicrosoft();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('listitem', { name: 'Rule New rule' });
    await rule.getByLabel('Name').fill('Project Falcon');
    const falcon = page.getByRole('listitem', { name: 'Rule Project Falcon' });
    await falcon.getByLabel('Keywords (one per line)').fill('falcon\n');
    // A new line being typed stays put while the list already holds the keyword.
    await expect(falcon.getByLabel('Keywords (one per line)').inputValue()).resolves.toBe('falcon\n');
    await falcon.getByLabel('Keywords (one per line)').fill('falcon\nosprey');
    await falcon.getByLabel('Sensitivity').selectOption('medium');

    await page.getByLabel(/Your own text/).fill('The Osprey plans are attached.');
    await page.getByText('With this policy, sending your text to gmail.com would: block').waitFor();
    await falcon.getByLabel('Sensitivity').selectOption('low');
    await page.getByText('With this policy, sending your text to gmail.com would: allow').waitFor();
    await falcon.getByLabel('Sensitivity').selectOption('medium');
    await page.getByRole('button', { name: 'Add label' }).click();
    const label = page.getByRole('listitem', { name: 'Label 1' });
    await label.getByLabel(/Label id/).fill('9F2A4C1E-5B7D-4E8F-A1B2-C3D4E5F60718');
    await label.getByLabel('Name').fill('Confidential');
    expect(await pageViolations()).toEqual([]);

    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Saved as version 7.').waitFor();
    const saved = (await currentPolicy()) as unknown as {
      policy: { detection: { customRules: unknown[]; labels: unknown[] } };
    };
    // The server keeps label ids in lower case, as Outlook reports them.
    expect(saved.policy.detection.labels).toEqual([
      { labelId: '9f2a4c1e-5b7d-4e8f-a1b2-c3d4e5f60718', name: 'Confidential', sensitivity: 'high' },
    ]);
    expect(saved.policy.detection.customRules).toEqual([
      {
        id: 'rule-1',
        name: 'Project Falcon',
        kind: 'keywords',
        keywords: ['falcon', 'osprey'],
        sensitivity: 'medium',
      },
    ]);
  });

  it('looks a domain up and re-checks it', async () => {
    await signInWithMicrosoft();
    await openTab('Domain lookup');
    await page.getByLabel('Domain or address').fill('plain.example');
    await page.getByRole('button', { name: 'Look up' }).click();
    const report = page.getByRole('region', { name: 'Details for plain.example' });
    await report.waitFor();
    await page.getByText('No TLS', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Re-check now' }).click();
    await page.getByText(/Checked .*\.$/).waitFor();
    await expect(page.getByText('(from the cache)').count()).resolves.toBe(0);
    expect(await pageViolations()).toEqual([]);
  });

  it('signs in with the admin token, shows activity and exports it as CSV', async () => {
    for (const event of [
      { decision: 'blocked', riskyDomains: ['plain.example'], detectionTypes: ['iban'] },
      { decision: 'warned', riskyDomains: ['gmail.com'], detectionTypes: ['nl-bsn'] },
      { decision: 'allowed' },
    ]) {
      const response = await page.request.post(`${server.url}/api/v1/events`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        data: event,
      });
      expect(response.status()).toBe(202);
    }
    await page.goto(`${server.url}/admin#activity`);
    await page.getByLabel('Or use a token (automation, break-glass)').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('alert').getByText('The token is not valid.').waitFor();
    await page.getByLabel('Or use a token (automation, break-glass)').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByText('Signed in as').waitFor();
    const totals = page.getByRole('table', { name: 'Totals' });
    await totals.waitFor();
    await expect(totals.locator('td[data-decision="blocked"]').textContent()).resolves.toBe('1');
    await expect(totals.locator('td[data-decision="warned"]').textContent()).resolves.toBe('1');
    await expect(
      page.getByRole('region', { name: 'Top risky recipient domains' }).textContent(),
    ).resolves.toMatch(/plain\.example: 1/);
    await expect(page.getByRole('region', { name: 'What triggered' }).textContent()).resolves.toMatch(
      /IBAN: 1/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-activity.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export activity (CSV)' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('day,allowed,warned,blocked,sent-anyway,sent-via-portal');
    expect(csv).toMatch(new RegExp(`${new Date().toISOString().slice(0, 10)},1,1,1,0,0`));

    for (const tab of ['Activity', 'History', 'Forced-TLS domains', 'Domain lookup']) {
      await openTab(tab);
      await page.getByRole('main', { name: tab }).waitFor();
      await page.waitForLoadState('networkidle');
      expect((await pageViolations()).map((violation) => `${tab}: ${violation}`)).toEqual([]);
    }
    await openTab('Activity');

    const audit = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export audit log (CSV)' }).click();
    expect(readFileSync(await (await audit).path(), 'utf8')).toContain('Rolled back');
    expect(await cspViolations()).toEqual([]);
  });

  it('switches to Dutch, keeps it across a reload, and switches back', async () => {
    await page.goto(`${server.url}/admin`);
    await page.getByLabel('Or use a token (automation, break-glass)').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByText('Signed in as').waitFor();

    await page.getByLabel('Language', { exact: true }).selectOption('nl');
    await page.getByText('Aangemeld als').waitFor();
    for (const tab of [
      'Beleid',
      'Domeinen met afgedwongen TLS',
      'Geschiedenis',
      'Domein opzoeken',
      'Activiteit',
    ])
      await page.getByRole('tab', { name: tab }).waitFor();
    // The saved policy warns for high sensitivity; the action is shown as a Dutch word.
    const dutchBsn = 'Met dit beleid is de actie bij het versturen van een BSN naar gmail.com: waarschuwen';
    await page.getByText(dutchBsn).waitFor();
    await page.getByText('Opportunistische TLS', { exact: true }).waitFor();
    await expect(page.getByLabel('Hoge gevoeligheid').inputValue()).resolves.toBe('warn');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('nl');

    await page.reload();
    await page.getByText(dutchBsn).waitFor();
    await page.getByRole('main', { name: 'Beleid' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('nl');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-policy-nl.png'), fullPage: true });
    expect(await pageViolations()).toEqual([]);

    await page.getByLabel('Taal', { exact: true }).selectOption('en');
    await page.getByText('With this policy, sending a BSN to gmail.com would: warn').waitFor();
    await expect(page.evaluate(() => window.localStorage.getItem('tlsgate.admin.language'))).resolves.toBe(
      'en',
    );
    expect(await cspViolations()).toEqual([]);
  });
});
