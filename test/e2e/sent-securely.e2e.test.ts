/**
 * "Sent securely" end to end in Chromium against the real backend (its own process, the add-in freshly
 * built): the pane sends a draft securely, a recipient opens it with an email code from the loopback SMTP
 * inbox and replies, the pane shows the open and the reply, the sender revokes it, and the recipient's open
 * session no longer shows it. Axe checks the view in English and Dutch, and on a message being read.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from '../support/axe';
import { saveScreenshot } from '../support/screenshots';
import type { BrowserContext, Page } from 'playwright-core';
import { OFFICE_JS_URL } from '../../addin/office/boot';
import type { ShimOptions } from '../../addin/try/office-shim';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';
import { launchChromium, startUiServer, type UiServer } from '../support/ui-server';

// A browser round trip per step, a build before the first; CI runs this beside other suites on two cores.
jest.setTimeout(90_000);

const SENDER = 'alice@contoso.test';
const BOB = 'bob@fabrikam.test';
// Fixed texts: the backend is fresh for the run, and the picture goes into the docs.
const SUBJECT = 'Deposit for the flat';
const BODY = 'Please transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.';
const REPLY = 'Signed, the contract is attached. See you Friday.';
const FILE_NAME = 'signed-contract.pdf';
const FILE = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(20_000)]);
const NO_SUBJECT = '(no subject)';
/** Whether the recipient's reply form takes files (set in step 2). */
let withFile = false;

let inbox: SmtpInbox;
let server: UiServer;
let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
let context: BrowserContext;
let pane: Page;
let recipient: Page;
let link = '';

beforeAll(async () => {
  inbox = await startSmtpInbox();
  server = await startUiServer({
    statuses: { 'fabrikam.test': 'none' },
    portal: { smtpUrl: inbox.url, smtpCaFile: inbox.caFile },
  });
  chrome = await launchChromium();
  context = chrome.context;
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await server.close();
  await inbox.close();
});

/** taskpane.html as Outlook loads it, with office.js answered by the in-page implementation. */
async function openPane(options: ShimOptions): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 900 });
  await page.addInitScript((shimOptions) => {
    (window as unknown as { TLSGATE_OFFICE_OPTIONS: unknown }).TLSGATE_OFFICE_OPTIONS = shimOptions;
  }, options);
  await page.route(OFFICE_JS_URL, (route) =>
    route.fulfill({ path: join(server.distDir, 'office-shim.js'), contentType: 'text/javascript' }),
  );
  await page.goto(`${server.url}/taskpane.html`);
  return page;
}

const rowOf = (page: Page, subject = SUBJECT) =>
  page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: subject, level: 3 }) });

describe('Sent securely in Chromium', () => {
  it('1. sends a draft securely from the pane, and lists it under Sent securely', async () => {
    pane = await openPane({
      userEmail: SENDER,
      sendAsync: true,
      draft: { to: [{ emailAddress: BOB, displayName: 'Bob' }], subject: SUBJECT, body: BODY },
    });
    const send = pane.getByRole('button', { name: 'Send securely' });
    await pane.waitForFunction(() =>
      [...document.querySelectorAll('button')].some(
        (b) => b.textContent === 'Send securely' && b.getAttribute('aria-disabled') === null,
      ),
    );
    await send.click();
    await pane.getByRole('alertdialog').getByRole('button', { name: 'Send securely' }).click();
    await pane.getByText('Sent through the secure portal.').waitFor();
    const body = await pane.evaluate(
      () => (window as unknown as { tlsgateShim: { draft: { body: string } } }).tlsgateShim.draft.body,
    );
    link = /https:\/\/[^"'\s<]+\/portal\/m\/[A-Za-z0-9_-]+/.exec(body)?.[0] ?? '';
    expect(link.startsWith(`${server.url}/portal/m/`)).toBe(true);

    await pane.getByRole('tab', { name: 'Sent securely' }).click();
    const row = rowOf(pane);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Delivered');
    await expect(row.textContent()).resolves.toContain(`${BOB}: not opened`);
    await expect(row.textContent()).resolves.toContain('0 replies');
  });

  it('2. the recipient opens it with an email code and replies', async () => {
    recipient = await context.newPage();
    await recipient.goto(link);
    await recipient.fill('#email', BOB);
    await recipient.click('button[type=submit]');
    await recipient.waitForSelector('#code');
    const mail = await inbox.waitFor((m) => m.to.includes(BOB));
    await recipient.fill('#code', codeFrom(mail));
    await recipient.click('text=Open message');
    await recipient.locator('h1', { hasText: SUBJECT }).waitFor();
    await recipient.fill('#text', REPLY);
    // Replies with a file where the form takes files (engineer C's multipart reply form).
    withFile = (await recipient.locator('input#files[type=file]').count()) === 1;
    if (withFile) {
      const path = join(mkdtempSync(join(tmpdir(), 'tlsgate-sent-')), FILE_NAME);
      writeFileSync(path, FILE);
      await recipient.setInputFiles('input#files', path);
    }
    await Promise.all([recipient.waitForURL(/\?replied=1$/), recipient.click('text=Send reply')]);
  });

  it('3. the pane shows the open and the reply, axe-clean, and pictured for the docs', async () => {
    await pane.getByRole('button', { name: 'Refresh' }).click();
    const row = rowOf(pane);
    await row.getByText('1 reply', { exact: false }).first().waitFor();
    await expect(row.textContent()).resolves.toContain('Opened');
    await expect(row.textContent()).resolves.toMatch(new RegExp(`${BOB}: opened \\d`));
    await row.getByRole('button', { name: 'Show 1 reply' }).click();
    const replies = pane.getByRole('list', { name: `Replies to “${SUBJECT}”` });
    await replies.getByText(REPLY).waitFor();
    await expect(replies.getByRole('heading', { level: 4 }).textContent()).resolves.toContain(BOB);
    if (withFile) {
      // Fetched with the sign-in and saved through a blob URL, byte for byte.
      const file = replies.getByRole('button', { name: new RegExp(`^Download ${FILE_NAME} \\(`) });
      const [download] = await Promise.all([pane.waitForEvent('download'), file.click()]);
      expect(download.suggestedFilename()).toBe(FILE_NAME);
      expect(readFileSync(await download.path()).equals(FILE)).toBe(true);
      await pane.getByRole('status').getByText(`Downloaded ${FILE_NAME}.`).waitFor();
    }
    expect(await axeViolations(pane)).toEqual([]);
    await saveScreenshot(pane, 'sent-securely.png');
  });

  it('4. revokes after the confirmation; the recipient’s open session shows it gone', async () => {
    const row = rowOf(pane);
    await row.getByRole('button', { name: 'Revoke…' }).click();
    const confirm = pane.getByRole('alertdialog');
    await expect(confirm.textContent()).resolves.toContain('This cannot be undone.');
    expect(await axeViolations(pane)).toEqual([]);
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await pane.getByRole('status').getByText(`“${SUBJECT}” was revoked.`).waitFor();
    // Its key is destroyed, and with it the subject: the row stays, as revoked, without one.
    const gone = rowOf(pane, NO_SUBJECT);
    await expect(gone.textContent()).resolves.toContain('Revoked');
    await expect(gone.getByRole('button').count()).resolves.toBe(0);
    expect(await pane.getByRole('heading', { name: SUBJECT }).count()).toBe(0);

    await recipient.reload();
    await expect(recipient.locator('h1').textContent()).resolves.not.toContain(SUBJECT);
    const page = (await recipient.textContent('body')) ?? '';
    expect(page).not.toContain(REPLY);
    expect(page).not.toContain('NL91');
  });

  it('5. speaks Dutch, axe-clean', async () => {
    const nl = await openPane({ userEmail: SENDER, displayLanguage: 'nl-NL', draft: { to: [] } });
    await nl.getByRole('tab', { name: 'Veilig verzonden' }).click();
    const row = rowOf(nl, '(geen onderwerp)');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Ingetrokken');
    expect(await axeViolations(nl)).toEqual([]);
    await nl.close();
  });

  it('6. on a message being read, shows only Sent securely, axe-clean', async () => {
    const read = await openPane({
      userEmail: SENDER,
      mode: 'read',
      draft: { subject: `Re: ${SUBJECT}`, to: [{ emailAddress: SENDER }] },
    });
    await rowOf(read, NO_SUBJECT).waitFor();
    expect(await read.getByRole('tablist').count()).toBe(0);
    expect(await read.getByRole('heading', { name: 'Recipients' }).count()).toBe(0);
    expect(await axeViolations(read)).toEqual([]);
    await read.close();
  });
});
