/** The in-page Office's draft model, options and handle (office-shim.ts builds them). */
import type { Fault } from './office-shim-calls';
import type { ShimRuntime } from './office-shim-storage';

export type ShimField = 'to' | 'cc' | 'bcc';

export interface ShimRecipient {
  emailAddress: string;
  displayName?: string;
}

export interface ShimAttachment {
  id: string;
  name: string;
  size: number;
  /** `file`, `item` or `cloud`. */
  attachmentType: string;
  isInline: boolean;
  /** The content getAttachmentContentAsync returns. */
  base64?: string;
}

export interface ShimDraft {
  to: ShimRecipient[];
  cc: ShimRecipient[];
  bcc: ShimRecipient[];
  subject: string;
  body: string;
  attachments: ShimAttachment[];
  sensitivityLabel: string;
  sessionData: Record<string, string>;
}

export type ShimFault = Fault<ShimDraft>;

export interface ShimTheme {
  bodyBackgroundColor: string;
  bodyForegroundColor: string;
  controlBackgroundColor: string;
  controlForegroundColor: string;
}

/** Outlook's own colours for its light and dark (Black) themes. */
export const THEMES: Readonly<Record<'light' | 'dark', ShimTheme>> = {
  light: {
    bodyBackgroundColor: '#ffffff',
    bodyForegroundColor: '#242424',
    controlBackgroundColor: '#ffffff',
    controlForegroundColor: '#242424',
  },
  dark: {
    bodyBackgroundColor: '#292929',
    bodyForegroundColor: '#ffffff',
    controlBackgroundColor: '#1f1f1f',
    controlForegroundColor: '#ffffff',
  },
};

export interface ShimOptions {
  /** The draft's fields; the objects given are the ones the shim keeps and changes. */
  draft?: Partial<ShimDraft>;
  /**
   * `text` (default): the body is plain text and both coercions return it as is. `html`: it is HTML, and
   * the Text coercion drops the tags.
   */
  bodyType?: 'text' | 'html';
  /**
   * `compose` (default): the draft is a message being written. `read`: a received message, as Outlook's read
   * form gives it: subject and recipients are plain values and nothing can be changed.
   */
  mode?: 'compose' | 'read';
  /** Whether the item has sendAsync (Outlook from Mailbox 1.15). Off by default: /try never sends. */
  sendAsync?: boolean;
  /** Highest Mailbox requirement set reported, e.g. '1.14' (default '1.15'). */
  mailboxVersion?: string;
  displayLanguage?: string;
  userEmail?: string;
  theme?: 'light' | 'dark' | ShimTheme;
  /** The Smart Alert's contextData, as getInitializationContextAsync returns it. */
  initializationContext?: string | null;
  /** Delay of every answer in ms (default 0: the next task, as in Outlook). */
  latencyMs?: number;
  /** Calls to fail, hang or throw. */
  faults?: readonly ShimFault[];
  /**
   * The add-in's roaming settings as the mailbox keeps them. Pass the same object to several shims to carry
   * them from one session to the next; saveAsync writes into it. Omit for a client without roaming settings.
   */
  roaming?: Record<string, unknown>;
  /** OfficeRuntime.storage's items (classic Outlook on Windows); omit for a runtime without it. */
  runtimeStorage?: Record<string, string>;
}

/** What a launch-event handler passes to event.completed. */
export type CompletedOptions = Record<string, unknown>;

export interface OfficeShim {
  /** Assign to `window.Office` (or a vm context's `Office`). */
  Office: Record<string, unknown>;
  /** Assign to `OfficeRuntime` where the options asked for runtimeStorage. */
  OfficeRuntime: ShimRuntime | undefined;
  draft: ShimDraft;
  /** Handlers launchevent.js registered with Office.actions.associate. */
  actions: Map<string, (event: unknown) => unknown>;
  /** Draft writes that succeeded (e.g. `to.setAsync`, `removeAttachmentAsync:att-1`), in order. */
  writes: string[];
  /** Every Office call made, by name, in order. */
  calls: string[];
  /** How many times roamingSettings.saveAsync was called. */
  roamingSaves(): number;
  /** Replaces a recipient field as the user would, and raises RecipientsChanged. */
  setRecipients(field: ShimField, recipients: ReadonlyArray<string | Partial<ShimRecipient>>): void;
  setSubject(subject: string): void;
  setBody(body: string): void;
  setInitializationContext(data: string | null): void;
  setTheme(theme: 'light' | 'dark' | ShimTheme): void;
  setDisplayLanguage(language: string): void;
  /** Runs an associated launch-event handler and resolves with what it passed to event.completed. */
  runLaunchEvent(name: string, event?: Record<string, unknown>): Promise<CompletedOptions | undefined>;
}
