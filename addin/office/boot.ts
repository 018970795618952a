/**
 * Getting hold of Office.js in the task pane. Outlook gets it from Microsoft's CDN (the <script> in
 * taskpane.html); the /try page, which has no Outlook and may have no internet, provides an in-page
 * implementation instead, before the pane's script runs. Either way the adapters then use the `Office` global.
 */

export const OFFICE_JS_URL = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

export type BootFailure =
  /** office.js did not load (offline, blocked) and no host provided an implementation. */
  | 'no-office'
  /** Office.js loaded, but the page is not inside Outlook's compose window. */
  | 'not-in-outlook';

export class OfficeBootError extends Error {
  constructor(readonly failure: BootFailure) {
    super(failure === 'no-office' ? 'Office.js is not available.' : 'Not opened from an Outlook message.');
    this.name = 'OfficeBootError';
  }
}

interface OfficeLike {
  onReady?: (callback?: (info: { host: unknown }) => unknown) => Promise<{ host: unknown }>;
  context?: { mailbox?: { item?: unknown } };
}

type OfficeWindow = Window & { Office?: OfficeLike };

function hasMailbox(office: OfficeLike | undefined): office is OfficeLike {
  return Boolean(office?.context?.mailbox?.item);
}

/**
 * An implementation the embedding page provides: a same-origin parent (the /try page) holds one. Inside
 * Outlook the parent is Microsoft's, on another origin, and reading it throws.
 */
function fromParent(win: OfficeWindow): OfficeLike | undefined {
  try {
    if (win.parent === win) return undefined;
    const office = (win.parent as OfficeWindow).Office;
    return hasMailbox(office) ? office : undefined;
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface BootOptions {
  /** How long to wait for office.js to appear and report ready. */
  timeoutMs?: number;
  win?: Window;
}

/** Resolves when `Office` is ready inside a compose item; rejects with an OfficeBootError. */
export async function waitForOffice(options: BootOptions = {}): Promise<void> {
  const win = (options.win ?? window) as OfficeWindow;
  // Outlook can take a while to start an add-in on a cold machine; the page says "Loading" meanwhile.
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const provided = fromParent(win);
  if (provided) win.Office = provided;

  // The CDN script normally ran before this one; still, wait for it in case it is loaded async.
  while (!win.Office && Date.now() < deadline) await delay(50);
  const office = win.Office;
  if (!office) throw new OfficeBootError('no-office');
  if (typeof office.onReady === 'function') {
    const ready = office.onReady();
    const timeout = delay(Math.max(0, deadline - Date.now())).then(() => null);
    const info = await Promise.race([ready, timeout]);
    if (info === null) throw new OfficeBootError('no-office');
  }
  if (!hasMailbox(win.Office)) throw new OfficeBootError('not-in-outlook');
}
