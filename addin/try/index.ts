/**
 * dist/try.js, the /try page: a minimal compose window with the real add-in. It installs the in-page Office
 * implementation as `window.Office`, loads the real launchevent.js (which associates its handlers with it),
 * and hosts the real task pane in a frame that takes the same implementation. Send runs the on-send handler
 * and draws its Smart Alert the way Outlook does; nothing is ever sent.
 */
import { createOfficeShim, type CompletedOptions, type ShimField } from './office-shim';

const FIELDS: readonly ShimField[] = ['to', 'cc', 'bcc'];

/** Outlook runs the recipients-changed launch event and, separately, notifies an open task pane. */
const RECIPIENTS_HANDLER = 'onMessageRecipientsChangedHandler';
const SEND_HANDLER = 'onMessageSendHandler';

const EXAMPLE = {
  to: 'ann@example.com',
  subject: 'Invoice 2026-114',
  body: 'Hello Ann,\n\nPlease transfer the deposit to NL91 ABNA 0417 1643 00 before Friday.\n\nKind regards',
};

const LABELS = {
  en: {
    sendAnyway: 'Send Anyway',
    dontSend: "Don't Send",
    close: 'Close',
    checking: 'TLS Gate is checking this message…',
    sent: 'Sent (demo: nothing left this page).',
    sentAnyway: 'Sent anyway (demo: nothing left this page).',
    notSent: 'Not sent.',
    opened: 'Not sent. The TLS Gate pane shows why.',
    failed: 'The on-send check did not finish.',
  },
  nl: {
    sendAnyway: 'Toch verzenden',
    dontSend: 'Niet verzenden',
    close: 'Sluiten',
    checking: 'TLS Gate controleert dit bericht…',
    sent: 'Verzonden (demo: er ging niets de deur uit).',
    sentAnyway: 'Toch verzonden (demo: er ging niets de deur uit).',
    notSent: 'Niet verzonden.',
    opened: 'Niet verzonden. Het TLS Gate-venster laat zien waarom.',
    failed: 'De controle bij verzenden werd niet afgerond.',
  },
} as const;

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`#${id} is missing from try.html`);
  return found;
}

/** "a@x.org; b@y.org, c@z.org" → addresses, as Outlook would resolve them. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[;,\s]+/)
    .map((part) => part.trim().replace(/^<|>$/g, ''))
    .filter(Boolean);
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => {
      resolve();
    };
    script.onerror = () => {
      reject(new Error(`${src} did not load`));
    };
    document.head.append(script);
  });
}

async function main(): Promise<void> {
  const languageSelect = element('language', HTMLSelectElement);
  const darkTheme = element('dark-theme', HTMLInputElement);
  const shim = createOfficeShim({ displayLanguage: languageSelect.value, theme: 'light' });
  // Before anything else runs: launchevent.js and the pane's frame both take Office from here.
  (window as unknown as { Office: unknown }).Office = shim.Office;

  const frame = element('taskpane', HTMLIFrameElement);
  const openPane = (): void => {
    frame.src = `taskpane.html?host=try&t=${Date.now()}`;
  };
  const language = (): 'en' | 'nl' => (languageSelect.value.startsWith('nl') ? 'nl' : 'en');

  await loadScript('launchevent.js');
  openPane();

  const inputs = Object.fromEntries(
    FIELDS.map((field) => [field, element(field, HTMLInputElement)]),
  ) as Record<ShimField, HTMLInputElement>;
  const subject = element('subject', HTMLInputElement);
  const body = element('body', HTMLTextAreaElement);
  const status = element('send-status', HTMLSpanElement);
  const send = element('send', HTMLButtonElement);

  /** Applies a field's text to the draft when it changed: RecipientsChanged for the pane, and the prefetch. */
  const syncRecipients = async (): Promise<void> => {
    let changed = false;
    for (const field of FIELDS) {
      const addresses = parseAddresses(inputs[field].value);
      const current = shim.draft[field].map((r) => r.emailAddress);
      if (addresses.join('\n') === current.join('\n')) continue;
      shim.setRecipients(field, addresses);
      changed = true;
    }
    if (changed) await shim.runLaunchEvent(RECIPIENTS_HANDLER).catch(() => undefined);
  };
  for (const field of FIELDS)
    inputs[field].addEventListener('change', () => {
      void syncRecipients();
    });
  subject.addEventListener('input', () => {
    shim.setSubject(subject.value);
  });
  body.addEventListener('input', () => {
    shim.setBody(body.value);
  });

  languageSelect.addEventListener('change', () => {
    shim.setDisplayLanguage(languageSelect.value);
    document.documentElement.lang = language();
    openPane();
  });
  darkTheme.addEventListener('change', () => {
    const dark = darkTheme.checked;
    document.documentElement.classList.toggle('dark', dark);
    shim.setTheme(dark ? 'dark' : 'light');
  });

  element('example', HTMLButtonElement).addEventListener('click', () => {
    inputs.to.value = EXAMPLE.to;
    subject.value = EXAMPLE.subject;
    body.value = EXAMPLE.body;
    shim.setSubject(subject.value);
    shim.setBody(body.value);
    void syncRecipients();
  });

  const dialog = element('smart-alert', HTMLDialogElement);
  const message = element('alert-message', HTMLParagraphElement);
  const actions = element('alert-actions', HTMLDivElement);

  /** The Smart Alert as Outlook draws it; resolves with the button the user chose. */
  const smartAlert = (options: CompletedOptions): Promise<'send' | 'dont-send' | 'command'> =>
    new Promise((resolve) => {
      const t = LABELS[language()];
      message.textContent =
        typeof options.errorMessage === 'string' && options.errorMessage
          ? options.errorMessage
          : 'TLS Gate is preventing this email from being sent.';
      actions.replaceChildren();
      const button = (label: string, choice: 'send' | 'dont-send' | 'command', primary: boolean): void => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        if (primary) b.className = 'primary';
        b.addEventListener('click', () => {
          dialog.close(choice);
        });
        actions.append(b);
      };
      if (options.sendModeOverride === 'promptUser') button(t.sendAnyway, 'send', false);
      // cancelLabel renames the "Don't Send" (Take Action) button; with commandId it opens the task pane.
      const label =
        typeof options.cancelLabel === 'string' && options.cancelLabel ? options.cancelLabel : t.dontSend;
      button(label, typeof options.commandId === 'string' ? 'command' : 'dont-send', true);
      dialog.returnValue = '';
      dialog.addEventListener(
        'close',
        () => {
          const choice = dialog.returnValue;
          resolve(choice === 'send' || choice === 'command' ? choice : 'dont-send');
        },
        { once: true },
      );
      dialog.showModal();
    });

  element('compose', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const t = LABELS[language()];
      send.disabled = true;
      status.textContent = t.checking;
      shim.setSubject(subject.value);
      shim.setBody(body.value);
      shim.setInitializationContext(null);
      try {
        await syncRecipients();
        const options = await shim.runLaunchEvent(SEND_HANDLER);
        if (!options || options.allowEvent === true) {
          status.textContent = t.sent;
          return;
        }
        status.textContent = '';
        const choice = await smartAlert(options);
        if (choice === 'send') status.textContent = t.sentAnyway;
        else if (choice === 'command') {
          // Outlook opens the task pane named by commandId and hands it contextData.
          shim.setInitializationContext(typeof options.contextData === 'string' ? options.contextData : null);
          openPane();
          status.textContent = t.opened;
        } else status.textContent = t.notSent;
      } catch {
        status.textContent = t.failed;
      } finally {
        send.disabled = false;
        if (!dialog.open) send.focus();
      }
    })();
  });
}

void main();
