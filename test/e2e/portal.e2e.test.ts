/**
 * The secure portal end to end in a real browser: the API uploads a message with an attachment over
 * HTTPS, and Chromium opens the link, enters the address, takes the code from the test inbox (a real SMTP
 * server with STARTTLS), reads the message, downloads the attachment and replies. Afterwards the data
 * folder is searched for the message's plaintext.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureDevCertificate } from '../../src/server/dev-cert';
import { linkPath, markersOnDisk, multipart, startPortalApp, type PortalApp } from '../support/portal';
import { codeFrom, startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/ui-server';

const SCREENSHOTS = resolve(__dirname, '../../test-output/screenshots');
const SUBJECT = `Quarterly figures ${randomUUID()}`;
const BODY = `BodyMarker-${randomUUID()}`;
const REPLY = `ReplyMarker-${randomUUID()}`;
const FILE_NAME = `Jaarverslag € 2026 ${randomUUID().slice(0, 8)}.pdf`;
const FILE_MARKER = `FileMarker-${randomUUID()}`;
const FILE = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  randomBytes(3 * 1024 * 1024),
  Buffer.from(FILE_MARKER),
]);
const SENDER = 'alice@contoso.test';
const BOB = 'bob@fabrikam.test';

let inbox: SmtpInbox;
let portal: PortalApp;
let base: string;
let ca: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let link: string;
const problems: string[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => {
    server.close(() => {
      done();
    });
  });
  return port;
}

/** POST the upload over real HTTPS, as the task pane will. */
async function uploadOverHttps(): Promise<{ link: string; id: string }> {
  const { payload, contentType } = await multipart({
    message: {
      senderEmail: SENDER,
      subject: SUBJECT,
      body: `<h2>Figures</h2><p>${BODY}</p><p>See <a href="https://example.org/terms">the terms</a>.</p><script>document.title='pwned'</script><img src="https://tracker.example/p.gif">`,
      recipients: [BOB],
    },
    files: [{ name: FILE_NAME, type: 'application/pdf', data: FILE }],
  });
  return new Promise((resolveUpload, reject) => {
    const req = https.request(
      `${base}/api/v1/portal/messages`,
      { method: 'POST', ca, headers: { 'content-type': contentType, 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 201) reject(new Error(`upload: ${res.statusCode} ${text}`));
          else resolveUpload(JSON.parse(text) as { link: string; id: string });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  inbox = await startSmtpInbox();
  const port = await freePort();
  base = `https://localhost:${port}`;
  const certDir = mkdtempSync(join(tmpdir(), 'tlsgate-portal-e2e-cert-'));
  const dev = await ensureDevCertificate(certDir, ['localhost']);
  ca = readFileSync(dev.caFile, 'utf8');
  portal = await startPortalApp({
    inbox,
    publicUrl: base,
    env: { TLSGATE_HTTP: '0', PORT: String(port) },
    https: { cert: dev.cert, key: dev.key },
  });
  await portal.app.listen({ port, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  // The development CA is not in Chromium's store; the certificate is checked by the upload above instead.
  context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, locale: 'en-GB' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  // Anything the page tries to load from elsewhere would show up here.
  page.on('request', (request) => {
    if (!request.url().startsWith(base)) problems.push(`request to ${request.url()}`);
  });
}, 60_000);

afterAll(async () => {
  await browser.close();
  await portal.app.close();
  await inbox.close();
});

describe('the secure portal in Chromium', () => {
  it('1. the API returns a link for a message with an attachment', async () => {
    const created = await uploadOverHttps();
    link = created.link;
    expect(link.startsWith(`${base}/portal/m/`)).toBe(true);
  });

  it('2. the recipient opens the link and enters their address', async () => {
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-start.png'), fullPage: true });
    // The stylesheet is allowed by the CSP and applied.
    expect(await page.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(27, 27, 31)',
    );
    await page.fill('#email', BOB);
    await page.click('button[type=submit]');
    await page.waitForSelector('#code');
    expect(await page.locator('h1').textContent()).toBe('Enter your code');
  });

  it('3. reads the code from the inbox and enters it', async () => {
    const mail = await inbox.waitFor((m) => m.to.includes(BOB));
    expect(mail.secure).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-code.png'), fullPage: true });
    await page.fill('#code', codeFrom(mail));
    await Promise.all([page.waitForURL(`${base}${linkPath(link)}`), page.click('text=Open message')]);
    const cookies = await context.cookies(`${base}${linkPath(link)}`);
    const session = cookies.find((cookie) => cookie.name === 'tgp_session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: linkPath(link) });
    expect(cookies.find((cookie) => cookie.name === 'tgp_flow')).toBeUndefined();
  });

  it('4. reads the message and downloads the attachment, byte for byte', async () => {
    expect(await page.locator('h1').textContent()).toBe(SUBJECT);
    expect(await page.locator('.body').textContent()).toContain(BODY);
    // Sanitized: the script did not run (no scripts run at all), the tracking image is gone.
    expect(await page.title()).not.toContain('pwned');
    expect(await page.locator('.body img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-message.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`text=${FILE_NAME}`)]);
    expect(download.suggestedFilename()).toBe(FILE_NAME);
    const path = await download.path();
    expect(readFileSync(path).equals(FILE)).toBe(true);
  });

  it('5. replies securely, and the sender is told', async () => {
    await page.fill('#text', REPLY);
    await Promise.all([page.waitForURL(/\?replied=1$/), page.click('text=Send reply')]);
    expect(await page.locator('.notice').textContent()).toBe('Your reply was sent securely.');
    expect(await page.locator('.reply-text').textContent()).toBe(REPLY);
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-replied.png'), fullPage: true });
    const notice = await inbox.waitFor((m) => m.to.includes(SENDER));
    expect(notice.text).toContain(`${BOB} replied`);
    expect(notice.text).toContain(`${base}/portal/m/`);
  });

  it('nothing was blocked, failed or fetched from elsewhere', () => {
    expect(problems).toEqual([]);
  });

  it('the data folder holds none of the plaintext', async () => {
    await portal.app.services.portal!.idle();
    const data = join(portal.dir, 'data');
    const markers = [
      SUBJECT,
      BODY,
      REPLY,
      FILE_NAME,
      FILE_MARKER,
      SENDER,
      BOB,
      linkPath(link).split('/').pop()!,
    ];
    expect(markersOnDisk(data, markers)).toEqual([]);
    await portal.app.close();
    expect(markersOnDisk(data, markers)).toEqual([]);
  });
});
