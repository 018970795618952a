import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from '../support/axe';
import type { Page } from 'playwright-core';
import { OFFICE_JS_URL } from '../../addin/office/boot';
import type { ShimOptions } from '../../addin/try/office-shim';
import type { DomainStatus } from '../../src/core/status';
import { cspViolationsOf, startUiServer, useChromium, type UiServer } from '../support/ui-server';

/**
 * The built task pane and /try page in headless Chromium, served by the real backend under its CSP. Office
 * comes from the in-page implementation: served in place of the CDN's office.js for the pane, provided by
 * the page itself on /try (where the CDN is unreachable, as offline).
 */

// A browser round trip per step; CI runs this beside other suites on two cores.
jest.setTimeout(60_000);

const SCREENSHOTS = join(__dirname, '../../test-output/screenshots');
const STATUSES: Record<string, DomainStatus> = {
  'plain.example': 'none',
  'secure.example': 'enforced',
  'shaky.example': 'opportunistic',
  'later.example': 'enforced',
};
const IBAN_BODY = 'Hello Ann,\n\nPlease transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';

let server: UiServer;
let page: Page;
useChromium({
  onPage: (opened) => {
    page = opened;
  },
});

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startUiServer({ statuses: STATUSES });
}, 240_000);

afterAll(async () => {
  await server.close();
});

const cspViolations = (target: Page = page): Promise<string[]> => cspViolationsOf(target);

const person = (emailAddress: string, displayName = '') => ({ emailAddress, displayName });

/** taskpane.html as Outlook loads it, with office.js answered by the in-page implementation. */
async function openPane(options: ShimOptions, width = 360, height = 900): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.addInitScript((shimOptions) => {
    (window as unknown as { TLSGATE_OFFICE_OPTIONS: unknown }).TLSGATE_OFFICE_OPTIONS = shimOptions;
  }, options);
  await page.route(OFFICE_JS_URL, (route) =>
    route.fulfill({ path: join(server.distDir, 'office-shim.js'), contentType: 'text/javascript' }),
  );
  await page.goto(`${server.url}/taskpane.html`);
  await page.getByRole('list', { name: 'Recipient domains' }).waitFor();
  await page.getByText('Checking…').first().waitFor({ state: 'detached' });
}

const DRAFT: ShimOptions['draft'] = {
  to: [person('ann@plain.example', 'Ann'), person('carol@secure.example')],
  cc: [person('dan@shaky.example')],
  subject: 'Invoice',
  body: IBAN_BODY,
};

describe('the task pane in Chromium', () => {
  it('shows a row per domain with its status in words, and the verdict', async () => {
    await openPane({ draft: DRAFT });
    const rows = page.getByRole('list', { name: 'Recipient domains' }).locator(':scope > li');
    await expect(rows.locator('h3').allTextContents()).resolves.toEqual([
      'plain.example',
      'secure.example',
      'shaky.example',
    ]);
    await expect(rows.nth(0).textContent()).resolves.toContain('No TLS');
    await expect(rows.nth(1).textContent()).resolves.toContain('Enforced TLS');
    await expect(rows.nth(2).textContent()).resolves.toContain('Opportunistic TLS');
    await page.getByText('TLS Gate will stop the message').waitFor();
    await page.getByRole('button', { name: 'Details for plain.example' }).click();
    await page.getByRole('region', { name: 'Details for plain.example' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'pane-light.png'), fullPage: true });
    expect(await cspViolations()).toEqual([]);
  });

  it('updates the rows when the recipients change', async () => {
    await openPane({ draft: { to: [person('carol@secure.example')] } });
    await page.evaluate(() => {
      const shim = (window as unknown as { tlsgateShim: { setRecipients(f: string, r: string[]): void } })
        .tlsgateShim;
      shim.setRecipients('to', ['carol@secure.example', 'lee@later.example']);
    });
    const later = page.getByRole('heading', { name: 'later.example', level: 3 });
    await later.waitFor();
    await page.locator('li[data-domain="later.example"][data-status="enforced"]').waitFor();
  });

  it('follows the dark Office theme, also when it changes while open', async () => {
    await openPane({ draft: DRAFT, theme: 'dark' });
    const provider = page.locator('.fui-FluentProvider');
    await expect(provider.getAttribute('data-theme')).resolves.toBe('dark');
    // webDarkTheme's colorNeutralBackground1.
    await expect(provider.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe(
      'rgb(41, 41, 41)',
    );
    await page.getByRole('button', { name: 'Details for plain.example' }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'pane-dark.png'), fullPage: true });

    await page.evaluate(() => {
      (window as unknown as { tlsgateShim: { setTheme(t: string): void } }).tlsgateShim.setTheme('light');
    });
    await page.locator('.fui-FluentProvider[data-theme="light"]').waitFor();
    await expect(provider.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe(
      'rgb(255, 255, 255)',
    );
  });

  it('fits a 320 px wide pane without horizontal scrolling', async () => {
    await openPane({ draft: DRAFT }, 320, 1000);
    await page.getByRole('button', { name: 'Details for shaky.example' }).click();
    await page.getByRole('region', { name: 'Details for shaky.example' }).waitFor();
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.screenshot({ path: join(SCREENSHOTS, 'pane-320.png'), fullPage: true });
  });

  it('works from the keyboard', async () => {
    await openPane({ draft: DRAFT });
    const toggle = page.getByRole('button', { name: 'Details for plain.example' });
    // Tab until the details toggle of the first row has focus, as a keyboard user would.
    for (let i = 0; i < 10 && !(await toggle.evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    await expect(toggle.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Details for plain.example' }).waitFor();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
  });

  it('has no axe-core violations, light and dark, with details and the confirmation open', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await openPane({ draft: DRAFT, theme });
      await page.getByRole('button', { name: 'Details for plain.example' }).click();
      await page.getByRole('button', { name: 'Details for secure.example' }).click();
      expect(await axeViolations(page, `${theme}: `)).toEqual([]);
      await page.getByRole('button', { name: /Remove \d risky recipients?…/ }).click();
      await page.getByRole('alertdialog').waitFor();
      expect(await axeViolations(page, `${theme} dialog: `)).toEqual([]);
      await page.getByRole('button', { name: 'Cancel' }).click();
    }
  });
});

describe('/try', () => {
  async function openTry(): Promise<void> {
    await page.setViewportSize({ width: 1200, height: 800 });
    // Offline, as a newcomer's laptop may be: the CDN's office.js must not be needed.
    await page.route(OFFICE_JS_URL, (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}/try`);
    await page.frameLocator('#taskpane').getByRole('heading', { name: 'Recipients' }).waitFor();
  }

  it('runs the real on-send check and draws the block dialog, whose button opens the pane on the reason', async () => {
    await openTry();
    await page.getByLabel('To', { exact: true }).fill('ann@plain.example; carol@secure.example');
    await page.getByLabel('Subject').fill('Invoice');
    await page.getByRole('textbox', { name: 'Message' }).fill(IBAN_BODY);
    const pane = page.frameLocator('#taskpane');
    // Leaving the field resolves the recipients: the pane follows.
    await pane.getByRole('heading', { name: 'plain.example', level: 3 }).waitFor();

    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'TLS Gate' });
    await dialog.waitFor();
    const message = await dialog.locator('#alert-message').textContent();
    expect(message).toMatch(/^Blocked: this message contains 1 IBAN/);
    expect(message).toContain('plain.example (No TLS)');
    expect(message).not.toContain('0417 1643');
    await expect(dialog.getByRole('button').allTextContents()).resolves.toEqual(['Review recipients']);
    await page.screenshot({ path: join(SCREENSHOTS, 'try-block-dialog.png') });

    await dialog.getByRole('button', { name: 'Review recipients' }).click();
    const banner = pane.getByRole('region', { name: 'TLS Gate stopped this message' });
    // The banner shows "Waiting for the checks…" until the pane's own lookups land: wait for the reason.
    await banner.filter({ hasText: message ?? '' }).waitFor();
    await expect(banner.textContent()).resolves.toContain(message ?? '');
    await expect(
      pane.getByRole('button', { name: 'Details for plain.example' }).getAttribute('aria-expanded'),
    ).resolves.toBe('true');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Not sent');
    await page.screenshot({ path: join(SCREENSHOTS, 'try-review.png') });
    expect(await cspViolations()).toEqual([]);
  });

  it('warns with Send Anyway for medium sensitivity, and sends when chosen', async () => {
    await openTry();
    await page.getByLabel('To', { exact: true }).fill('dan@shaky.example');
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('The card is 4111 1111 1111 1111 as discussed.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'TLS Gate' });
    await dialog.waitFor();
    await expect(dialog.getByRole('button').allTextContents()).resolves.toEqual([
      'Send Anyway',
      "Don't Send",
    ]);
    await dialog.getByRole('button', { name: 'Send Anyway' }).click();
    await page.getByText('Sent anyway').waitFor();
  });

  it('sends at once when nothing is sensitive', async () => {
    await openTry();
    await page.getByLabel('To', { exact: true }).fill('ann@plain.example');
    await page.getByRole('textbox', { name: 'Message' }).fill('Lunch at noon?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Sent (demo').waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
  });

  it('has no axe-core violations', async () => {
    await openTry();
    expect(await axeViolations(page)).toEqual([]);
  });
});
