import { render, screen, within, type RenderResult } from '@testing-library/react';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_POLICY, type OrgPolicy } from '../../src/core/policy';
import type { DomainReport } from '../../src/core/report';
import { officeComposeItem, officeMailbox, officeTaskpane } from '../../addin/office/compose';
import { createApiClient } from '../../addin/shared/api';
import { PaneController } from '../../addin/taskpane/controller';
import { Root } from '../../addin/taskpane/Root';
import { createOfficeShim, type OfficeShim, type ShimOptions } from '../../addin/try/office-shim';
import { asLookup, reportFor } from './reports';

/**
 * The task pane as Outlook would run it, with the edges replaced: the in-page Office implementation
 * (addin/try/office-shim.ts) for Office.js, and msw for the backend. Everything between is the real code.
 */

export const API = 'https://tlsgate.example.test';

export interface Call {
  url: string;
  fresh: boolean;
  domains: string[];
}

/** A backend that answers lookups from `reports`, and can be held, failed or made to refuse sign-in. */
export class FakeBackend {
  reports = new Map<string, DomainReport>();
  policy: OrgPolicy = DEFAULT_POLICY;
  calls: Call[] = [];
  policyCalls = 0;
  failure: 'network' | 401 | 429 | null = null;
  private held: Array<() => void> | null = null;

  set(domain: string, report: DomainReport | DomainReport['status']): this {
    this.reports.set(domain, typeof report === 'string' ? reportFor(domain, report) : report);
    return this;
  }

  reset(): void {
    this.release();
    this.reports.clear();
    this.calls = [];
    this.policyCalls = 0;
    this.failure = null;
    this.policy = DEFAULT_POLICY;
  }

  /** Lookups wait until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const resume of waiting) resume();
  }

  handlers(): HttpHandler[] {
    return [
      http.post(`${API}/api/v1/domains/lookup`, async ({ request }) => {
        const url = new URL(request.url);
        const { domains } = (await request.json()) as { domains: string[] };
        this.calls.push({ url: request.url, fresh: url.searchParams.get('fresh') === '1', domains });
        if (this.held) await new Promise<void>((resume) => this.held?.push(resume));
        if (this.failure === 'network') return HttpResponse.error();
        if (this.failure !== null)
          return HttpResponse.json({ error: { code: 'X', message: 'no' } }, { status: this.failure });
        return HttpResponse.json({
          reports: domains.map((input) => {
            const domain = input.slice(input.lastIndexOf('@') + 1).toLowerCase();
            return asLookup({ ...(this.reports.get(domain) ?? reportFor(domain, 'unknown')), input });
          }),
        });
      }),
      http.get(`${API}/api/v1/policy`, () => {
        this.policyCalls++;
        if (this.failure === 'network') return HttpResponse.error();
        if (this.failure !== null)
          return HttpResponse.json({ error: { code: 'X', message: 'no' } }, { status: this.failure });
        return HttpResponse.json({ policy: this.policy, version: 1 });
      }),
    ];
  }
}

/** A FakeBackend behind msw for the whole test file; unhandled requests fail the test. */
export function setupBackend(): FakeBackend {
  const backend = new FakeBackend();
  const server = setupServer(...backend.handlers());
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => {
    backend.reset();
  });
  afterAll(() => {
    server.close();
  });
  return backend;
}

/** The list item of one domain, found by its heading. */
export function domainRow(domain: string): HTMLElement {
  const item = screen.getByRole('heading', { name: domain, level: 3 }).closest('li');
  if (!item) throw new Error(`no row for ${domain}`);
  return item;
}

export interface RenderedPane extends RenderResult {
  shim: OfficeShim;
  controller: PaneController;
}

export const to = (...addresses: string[]): Array<{ emailAddress: string; displayName: string }> =>
  addresses.map((emailAddress) => ({ emailAddress, displayName: '' }));

/** Installs the Office implementation as `Office`, then renders the pane through the real adapters. */
export function renderPane(options: ShimOptions = {}): RenderedPane {
  const shim = createOfficeShim({ userEmail: 'me@sender.example', ...options });
  (globalThis as { Office?: unknown }).Office = shim.Office;
  const office = officeTaskpane();
  const mailbox = officeMailbox();
  const controller = new PaneController({
    item: officeComposeItem(),
    mailbox,
    office,
    api: createApiClient({ baseUrl: API, fetch: (input, init) => fetch(input, init) }),
  });
  const result = render(<Root controller={controller} language={mailbox.language} office={office} />);
  return { ...result, shim, controller };
}

/** How long the pane tests wait for the UI: role queries are slow in jsdom, seconds apiece on a busy CI box. */
export const WAIT = { timeout: 15_000 };

/**
 * An open alert dialog, found by its title, and a button in it. Buttons are found with `hidden: true`: in
 * jsdom on a busy machine tabster can leave the surface aria-hidden (its modalizer waits for focus that
 * jsdom moves late). That the open dialogs are accessible is checked in Chromium (test/e2e/browser.test.ts).
 */
export async function alertDialog(title: string): Promise<HTMLElement> {
  const heading = await screen.findByText(title, {}, WAIT);
  const dialog = heading.closest<HTMLElement>('[role="alertdialog"]');
  if (!dialog) throw new Error(`"${title}" is not in an alert dialog`);
  return dialog;
}

export function dialogButton(dialog: HTMLElement, name: string): HTMLElement {
  return within(dialog).getByRole('button', { name, hidden: true });
}
