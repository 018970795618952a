/**
 * The one source of the add-in's manifest texts, ids and page paths. scripts/manifest.ts writes them into
 * both manifests: the unified manifest is built from them, and the XML template (manifest.xml at the repo
 * root) gets them through xml-template.ts, so the two cannot drift apart at build time. The template keeps
 * the same values so that it stays a complete manifest for sideloading on the default base; a test checks
 * that it does.
 */

export const ADDIN_ID = 'a469f3e5-3869-4c6e-8a9a-31aeb8ff3ae9';
export const XML_VERSION = '1.0.0.0';
/** The unified manifest wants semver; same release as XML_VERSION. */
export const UNIFIED_VERSION = '1.0.0';
/** ProviderName in XML, developer.name in the unified manifest. */
export const PROVIDER_NAME = 'TLS Gate';
export const GROUP_ID = 'TLSGate.Group';
/** The Smart Alert's `commandId` refers to this control, in both manifests. */
export const TASKPANE_BUTTON_ID = 'TLSGate.TaskpaneButton';
/** The read-mode ribbon (MessageReadCommandSurface / `mailRead`): its own group and button, the same pane. */
export const READ_GROUP_ID = 'TLSGate.ReadGroup';
export const READ_TASKPANE_BUTTON_ID = 'TLSGate.ReadTaskpaneButton';
export const ON_MESSAGE_SEND = 'onMessageSendHandler';
export const ON_RECIPIENTS_CHANGED = 'onMessageRecipientsChangedHandler';
/** The same minimum as the XML manifest's inner VersionOverrides; newer sets are feature-detected. */
export const MAILBOX_MIN_VERSION = '1.12';
/** The OfficeApp-level requirement: clients too old for VersionOverrides still get the task pane. */
export const LEGACY_MAILBOX_MIN_VERSION = '1.1';

export const DEFAULT_LOCALE = 'en-US';
/** Every user-visible string has a translation for this locale, and only this one. */
export const TRANSLATED_LOCALE = 'nl-NL';

/** Paths under ADDIN_BASE_URL. */
export const PAGES = {
  taskpane: 'taskpane.html',
  commands: 'commands.html',
  launchEvent: 'launchevent.js',
  support: 'support.html',
} as const;

export function iconPath(size: number): string {
  return `assets/icon-${size}.png`;
}

/** The user-visible strings of both manifests, in the default and the translated locale. */
export const STRINGS = {
  en: {
    name: 'TLS Gate',
    // description.short is at most 80 characters in the unified schema; the full text is the XML Description.
    shortDescription: "Shows whether recipients' mail servers enforce TLS before you send.",
    description:
      "Shows whether each recipient's mail server enforces TLS, and stops sensitive mail from travelling unencrypted.",
    groupLabel: 'TLS Gate',
    buttonLabel: 'TLS status',
    buttonTitle: 'TLS status of the recipients',
    buttonTooltip: "Shows whether each recipient's mail server enforces TLS, so you know before you send.",
    readButtonLabel: 'Sent securely',
    readButtonTitle: 'Messages you sent securely',
    readButtonTooltip:
      'Shows the messages you sent through the secure portal: who opened them and their replies. Revoke or extend them here.',
  },
  nl: {
    name: 'TLS Gate',
    shortDescription: 'Laat zien of de mailservers van ontvangers TLS afdwingen, vóór u verzendt.',
    description:
      'Laat zien of de mailserver van elke ontvanger TLS afdwingt, en houdt gevoelige mail tegen die onversleuteld zou reizen.',
    groupLabel: 'TLS Gate',
    buttonLabel: 'TLS-status',
    buttonTitle: 'TLS-status van de ontvangers',
    buttonTooltip:
      'Laat zien of de mailserver van elke ontvanger TLS afdwingt, zodat u het weet voordat u verzendt.',
    readButtonLabel: 'Veilig verzonden',
    readButtonTitle: 'Berichten die u veilig verzond',
    readButtonTooltip:
      'Laat de berichten zien die u via het beveiligde portaal verzond: wie ze opende en de antwoorden. Trek ze hier in of verleng ze.',
  },
} as const;

export type StringKey = keyof typeof STRINGS.en;

/** The XML manifest's string resources (bt:ShortStrings and bt:LongStrings) and the text each holds. */
export const XML_STRING_RESOURCES: Readonly<Record<string, StringKey>> = {
  'Group.Label': 'groupLabel',
  'TaskpaneButton.Label': 'buttonLabel',
  'TaskpaneButton.Title': 'buttonTitle',
  'TaskpaneButton.Tooltip': 'buttonTooltip',
  'ReadButton.Label': 'readButtonLabel',
  'ReadButton.Title': 'readButtonTitle',
  'ReadButton.Tooltip': 'readButtonTooltip',
};

/** The XML manifest's URL and image resources and the path under the base each points at. */
export const XML_URL_RESOURCES: Readonly<Record<string, string>> = {
  'Taskpane.Url': PAGES.taskpane,
  'Commands.Url': PAGES.commands,
  'WebViewRuntime.Url': PAGES.commands,
  'JSRuntime.Url': PAGES.launchEvent,
  'Icon.16x16': iconPath(16),
  'Icon.32x32': iconPath(32),
  'Icon.80x80': iconPath(80),
};

/** XML LaunchEvent Type → the function that handles it (the unified manifest's actionId). */
export const XML_EVENT_HANDLERS: Readonly<Record<string, string>> = {
  OnMessageSend: ON_MESSAGE_SEND,
  OnMessageRecipientsChanged: ON_RECIPIENTS_CHANGED,
};
