import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type ViewportSize } from 'playwright-core';
import type { UiServerMessage, UiServerOptions } from './ui-server-process';

/**
 * The real backend on loopback over HTTPS, serving a freshly built add-in (scripts/build.ts into a temp
 * dir), with a probe that answers from statuses the test defines: browser tests are about the UI. It runs
 * in its own process (ui-server-process.ts).
 */

export interface UiServer {
  /** e.g. https://127.0.0.1:41234 */
  url: string;
  distDir: string;
  close(): Promise<void>;
}

export function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const child = fork(join(__dirname, 'ui-server-process.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the UI test server exited (${code ?? 'signal'}) before it was ready`));
    });
    child.once('message', (message: UiServerMessage) => {
      if ('error' in message) {
        reject(new Error(message.error));
        return;
      }
      resolve({
        ...message,
        async close() {
          if (child.connected) child.send('close');
          await exited;
        },
      });
    });
  });
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and no background traffic (CI has no internet). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Debian's Chromium, headless, with a fresh profile and no background traffic (CI has no internet). */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'tlsgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    // The test server's certificate comes from a CA made for the run.
    ignoreHTTPSErrors: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium for the tests of a file, and a fresh page for each test (sized `viewport` when given) that
 * records CSP violations, handed to `onPage` and closed after the test. Returns the browser's context.
 * Call it before the file's own hooks: Jest runs hooks in the order they were registered, so the browser
 * is up for the file's beforeAll, and closed before its afterAll stops the servers the pages talk to.
 */
export function useChromium(options: {
  viewport?: ViewportSize;
  onPage: (page: Page) => void;
}): () => BrowserContext {
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page | undefined;
  const context = (): BrowserContext => {
    if (!chrome) throw new Error('no browser');
    return chrome.context;
  };
  beforeAll(async () => {
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
  });
  beforeEach(async () => {
    page = await context().newPage();
    if (options.viewport) await page.setViewportSize(options.viewport);
    await recordCspViolations(page);
    options.onPage(page);
  });
  afterEach(async () => {
    await page?.close();
  });
  return context;
}

/** Records every CSP violation on the page's documents, so a test can prove a page runs under the server's policy. */
export async function recordCspViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
}

export function cspViolationsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}
