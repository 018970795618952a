/**
 * dist/taskpane.js: waits for Office (the CDN's office.js inside Outlook, or the implementation the /try
 * page provides), then renders the pane. Until then, and if Office never comes, the page says so.
 */
import { createRoot } from 'react-dom/client';
import type { Language } from '../../src/core/status';
import { OfficeBootError, waitForOffice } from '../office/boot';
import { officeComposeItem, officeMailbox, officeTaskpane } from '../office/compose';
import { officeAccessToken } from '../office/auth';
import { officeDurableStore } from '../office/storage';
import { createApiClient } from '../shared/api';
import { ADDIN_SSO } from '../shared/build-info';
import { PaneController } from './controller';
import { Root } from './Root';
import { STRINGS } from './strings';

/** The backend serves this page, so its API is beside it (Outlook's pane and /try alike). */
function apiBase(): string {
  return new URL('.', window.location.href).href.replace(/\/+$/, '');
}

/** Before Office answers, the browser's language is the best guess. */
function browserLanguage(): Language {
  return (navigator.language || 'en').toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

function showPlain(container: HTMLElement, text: string): void {
  container.replaceChildren();
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = text;
  container.append(p);
}

async function main(): Promise<void> {
  const container = document.getElementById('root');
  if (!container) return;
  try {
    await waitForOffice();
  } catch (error) {
    const s = STRINGS[browserLanguage()];
    showPlain(
      container,
      error instanceof OfficeBootError && error.failure === 'not-in-outlook' ? s.notInOutlook : s.noOffice,
    );
    return;
  }
  const mailbox = officeMailbox();
  document.documentElement.lang = mailbox.language;
  const office = officeTaskpane();
  const controller = new PaneController({
    item: officeComposeItem(),
    mailbox,
    office,
    api: createApiClient({
      baseUrl: apiBase(),
      fetch: (input, init) => fetch(input, init),
      // The pane may ask the user to sign in to Office or consent, which can take a while.
      ...(ADDIN_SSO ? { token: officeAccessToken({ interactive: true, timeoutMs: 60_000 }) } : {}),
    }),
    store: officeDurableStore(),
  });
  // Stop listening to RecipientsChanged when the pane goes (the /try page keeps its Office alive).
  window.addEventListener('pagehide', () => {
    controller.dispose();
  });
  // The error boundary catches render errors below the theme; anything above it still gets a line.
  createRoot(container, {
    onUncaughtError: () => {
      showPlain(container, STRINGS[mailbox.language].crashed);
    },
  }).render(<Root controller={controller} language={mailbox.language} office={office} />);
}

void main();
