import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TeamsManifestV1D22 } from '@microsoft/app-manifest';
import {
  ADDIN_ID,
  DEFAULT_LOCALE,
  GROUP_ID,
  MAILBOX_MIN_VERSION,
  ON_MESSAGE_SEND,
  ON_RECIPIENTS_CHANGED,
  PAGES,
  PROVIDER_NAME,
  READ_GROUP_ID,
  READ_TASKPANE_BUTTON_ID,
  STRINGS,
  TASKPANE_BUTTON_ID,
  TRANSLATED_LOCALE,
  UNIFIED_VERSION,
  XML_VERSION,
  iconPath,
} from './manifest/strings';
import { fillXmlStrings } from './manifest/xml-template';
import { SSO_SCOPES, parseBaseUrl, parseSsoSettings, type SsoSettings } from '../src/addin-settings';

// The add-in's build settings are parsed where the server can read them too, without build tooling.
export {
  DEFAULT_BASE_URL,
  GUID,
  ON_BACKEND_ERROR_CHOICES,
  SSO_SCOPES,
  apiUriHost,
  parseBaseUrl,
  parseOnBackendError,
  parseSsoSettings,
  type BuildOnBackendError,
  type SsoSettings,
} from '../src/addin-settings';

/**
 * Manifest generation for the build: the add-in-only XML manifest (from the repo-root template) and the
 * unified JSON manifest, both pointing at ADDIN_BASE_URL. `npm run validate` checks what this writes.
 */

/** The base the repo-root manifest.xml template is written against. */
export const TEMPLATE_BASE_URL = 'https://localhost:3000';
export const TEMPLATE_PATH = join(__dirname, '..', 'manifest.xml');

// The texts, ids and page paths of both manifests have one source (scripts/manifest/strings.ts).
export {
  ADDIN_ID,
  GROUP_ID,
  MAILBOX_MIN_VERSION,
  ON_MESSAGE_SEND,
  ON_RECIPIENTS_CHANGED,
  READ_GROUP_ID,
  READ_TASKPANE_BUTTON_ID,
  STRINGS,
  TASKPANE_BUTTON_ID,
  UNIFIED_VERSION,
  XML_VERSION,
};
// The version Microsoft's own Outlook Smart Alerts sample ships with; newer ones may not be accepted yet.
export const UNIFIED_SCHEMA_VERSION = '1.22';
export const UNIFIED_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${UNIFIED_SCHEMA_VERSION}/MicrosoftTeams.schema.json`;
export const LOCALIZATION_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${UNIFIED_SCHEMA_VERSION}/MicrosoftTeams.Localization.schema.json`;
/** Written next to manifest.json and named by its localizationInfo. */
export const NL_LOCALIZATION_FILE = 'nl-NL.json';
/** The padlock's blue (scripts/make-icons.ts). */
export const ACCENT_COLOR = '#2B6CB0';

/** Settings handed in by code rather than parsed from the environment get the same checks. */
function checkedSso(sso: SsoSettings | null, base: string): SsoSettings | null {
  if (sso === null) return null;
  const env = { ADDIN_SSO_CLIENT_ID: sso.clientId, ADDIN_SSO_RESOURCE: sso.resource };
  const parsed = parseSsoSettings(env, base);
  if (parsed === null) throw new Error('ADDIN_SSO_CLIENT_ID is empty');
  return parsed;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Rewrites the template's URLs to `baseUrl`: every `https://localhost:3000/…` URL keeps its path under the
 * new base, and the AppDomain becomes the base's origin (AppDomains are origins, not paths). Then the texts,
 * ids and page paths are written in from scripts/manifest/strings.ts. With `sso`, WebApplicationInfo is
 * added as the last child of the VersionOverrides 1.1 ([MS-OWEMXML] declares it there, after Resources);
 * without it the output is the template's text, URLs aside (the template mirrors strings.ts).
 */
export function renderManifestXml(template: string, baseUrl: string, sso: SsoSettings | null = null): string {
  const base = parseBaseUrl(baseUrl);
  const rendered = fillXmlStrings(rewriteUrls(template, base), base);
  const settings = checkedSso(sso, base);
  return settings ? insertWebApplicationInfo(rendered, settings) : rendered;
}

function insertWebApplicationInfo(xml: string, sso: SsoSettings): string {
  const open = xml.indexOf('xsi:type="VersionOverridesV1_1"');
  // The 1.1 element holds no VersionOverrides of its own, so the next closing tag is its own.
  const close = open === -1 ? -1 : xml.indexOf('</VersionOverrides>', open);
  if (close === -1) throw new Error('manifest template has no VersionOverrides 1.1 for WebApplicationInfo');
  if (xml.includes('<WebApplicationInfo'))
    throw new Error('manifest template already has WebApplicationInfo');
  const lineStart = xml.lastIndexOf('\n', close) + 1;
  const indent = xml.slice(lineStart, close);
  if (indent.trim() !== '') throw new Error('manifest template: </VersionOverrides> must start its line');
  const pad = (depth: number): string => `${indent}${'  '.repeat(depth)}`;
  const lines = [
    `${pad(1)}<!-- Office SSO: OfficeRuntime.auth.getAccessToken asks Entra for a token for this app. -->`,
    `${pad(1)}<WebApplicationInfo>`,
    `${pad(2)}<Id>${escapeXml(sso.clientId)}</Id>`,
    `${pad(2)}<Resource>${escapeXml(sso.resource)}</Resource>`,
    `${pad(2)}<Scopes>`,
    ...SSO_SCOPES.map((scope) => `${pad(3)}<Scope>${scope}</Scope>`),
    `${pad(2)}</Scopes>`,
    `${pad(1)}</WebApplicationInfo>`,
  ];
  return `${xml.slice(0, lineStart)}${lines.join('\n')}\n${xml.slice(lineStart)}`;
}

/** `base` is already normalised by parseBaseUrl. */
function rewriteUrls(template: string, base: string): string {
  const appDomain = `<AppDomain>${TEMPLATE_BASE_URL}</AppDomain>`;
  const urlPrefix = new RegExp(`${TEMPLATE_BASE_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/)`, 'g');
  // Any other mention of the template host (another port, a bare base URL) would be left behind.
  const leftover = template.split(appDomain).join('').replace(urlPrefix, '');
  const templateHost = new URL(TEMPLATE_BASE_URL).hostname;
  if (leftover.toLowerCase().includes(templateHost)) {
    throw new Error(`manifest template mentions ${templateHost} in a form the build cannot rewrite`);
  }
  return template
    .split(appDomain)
    .join(`<AppDomain>${escapeXml(new URL(base).origin)}</AppDomain>`)
    .replace(urlPrefix, () => escapeXml(base));
}

const GROUP_PATH = 'extensions[0].ribbons[0].tabs[0].groups[0]';
const BUTTON_PATH = `${GROUP_PATH}.controls[0]`;
/** The read-mode ribbon, the second one (XML: the MessageReadCommandSurface extension point). */
const READ_GROUP_PATH = 'extensions[0].ribbons[1].tabs[0].groups[0]';
const READ_BUTTON_PATH = `${READ_GROUP_PATH}.controls[0]`;
const TASKPANE_ACTION_ID = 'TLSGate.ShowTaskpane';

/** The unified (JSON) manifest: the same add-in, ids, events and strings as the XML manifest. */
export function buildUnifiedManifest(
  baseUrl: string,
  sso: SsoSettings | null = null,
): TeamsManifestV1D22.TeamsManifestV1D22 {
  const base = parseBaseUrl(baseUrl);
  const settings = checkedSso(sso, base);
  const en = STRINGS.en;
  const mailbox = [{ name: 'Mailbox', minVersion: MAILBOX_MIN_VERSION }];
  // Ribbon icons are absolute URLs; the package icons (icons.color/outline) are relative to manifest.json.
  const buttonIcons = [16, 32, 80].map((size) => ({ size, url: `${base}/${iconPath(size)}` }));
  return {
    $schema: UNIFIED_SCHEMA_URL,
    manifestVersion: UNIFIED_SCHEMA_VERSION,
    version: UNIFIED_VERSION,
    id: ADDIN_ID,
    localizationInfo: {
      defaultLanguageTag: DEFAULT_LOCALE,
      additionalLanguages: [{ languageTag: TRANSLATED_LOCALE, file: NL_LOCALIZATION_FILE }],
    },
    developer: {
      name: PROVIDER_NAME,
      websiteUrl: `${base}/${PAGES.support}`,
      privacyUrl: `${base}/${PAGES.support}#privacy`,
      termsOfUseUrl: `${base}/${PAGES.support}`,
    },
    name: { short: en.name },
    description: { short: en.shortDescription, full: en.description },
    icons: { color: iconPath(192), outline: 'assets/outline-32.png' },
    accentColor: ACCENT_COLOR,
    // Domains, not origins (host[:port], as in Teams' validDomains); the XML AppDomain is the origin.
    validDomains: [new URL(base).host],
    ...(settings ? { webApplicationInfo: { id: settings.clientId, resource: settings.resource } } : {}),
    authorization: {
      permissions: { resourceSpecific: [{ name: 'MailboxItem.ReadWrite.User', type: 'Delegated' }] },
    },
    extensions: [
      {
        requirements: { scopes: ['mail'], capabilities: mailbox },
        runtimes: [
          {
            id: 'TaskpaneRuntime',
            type: 'general',
            code: { page: `${base}/${PAGES.taskpane}` },
            lifetime: 'short',
            actions: [{ id: TASKPANE_ACTION_ID, type: 'openPage' }],
          },
          {
            // page for web, new Outlook and Mac; script for classic Outlook on Windows.
            id: 'WebViewRuntime',
            type: 'general',
            code: { page: `${base}/${PAGES.commands}`, script: `${base}/${PAGES.launchEvent}` },
            lifetime: 'short',
            actions: [
              { id: ON_MESSAGE_SEND, type: 'executeFunction' },
              { id: ON_RECIPIENTS_CHANGED, type: 'executeFunction' },
            ],
          },
        ],
        ribbons: [
          {
            contexts: ['mailCompose'],
            tabs: [
              {
                builtInTabId: 'TabDefault',
                groups: [
                  {
                    id: GROUP_ID,
                    label: en.groupLabel,
                    icons: buttonIcons,
                    controls: [
                      {
                        id: TASKPANE_BUTTON_ID,
                        type: 'button',
                        label: en.buttonLabel,
                        icons: buttonIcons,
                        supertip: { title: en.buttonTitle, description: en.buttonTooltip },
                        actionId: TASKPANE_ACTION_ID,
                      },
                    ],
                  },
                ],
              },
            ],
          },
          {
            // Read mode opens the same pane; there it shows only "Sent securely".
            contexts: ['mailRead'],
            tabs: [
              {
                builtInTabId: 'TabDefault',
                groups: [
                  {
                    id: READ_GROUP_ID,
                    label: en.groupLabel,
                    icons: buttonIcons,
                    controls: [
                      {
                        id: READ_TASKPANE_BUTTON_ID,
                        type: 'button',
                        label: en.readButtonLabel,
                        icons: buttonIcons,
                        supertip: { title: en.readButtonTitle, description: en.readButtonTooltip },
                        actionId: TASKPANE_ACTION_ID,
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
        autoRunEvents: [
          {
            requirements: { scopes: ['mail'], capabilities: mailbox },
            events: [
              { type: 'messageSending', actionId: ON_MESSAGE_SEND, options: { sendMode: 'softBlock' } },
              { type: 'messageRecipientsChanged', actionId: ON_RECIPIENTS_CHANGED },
            ],
          },
        ],
      },
    ],
  };
}

/** The nl-NL localization file named by the unified manifest's localizationInfo. */
export function buildNlLocalization(): Record<string, string> {
  const nl = STRINGS.nl;
  return {
    $schema: LOCALIZATION_SCHEMA_URL,
    'name.short': nl.name,
    'description.short': nl.shortDescription,
    'description.full': nl.description,
    [`${GROUP_PATH}.label`]: nl.groupLabel,
    [`${BUTTON_PATH}.label`]: nl.buttonLabel,
    [`${BUTTON_PATH}.supertip.title`]: nl.buttonTitle,
    [`${BUTTON_PATH}.supertip.description`]: nl.buttonTooltip,
    [`${READ_GROUP_PATH}.label`]: nl.groupLabel,
    [`${READ_BUTTON_PATH}.label`]: nl.readButtonLabel,
    [`${READ_BUTTON_PATH}.supertip.title`]: nl.readButtonTitle,
    [`${READ_BUTTON_PATH}.supertip.description`]: nl.readButtonTooltip,
  };
}

/**
 * Writes dist/manifest.xml, dist/manifest.json and its localization file dist/nl-NL.json; with `sso`, both
 * manifests declare the add-in's Entra application for Office SSO.
 */
export async function writeManifests(
  baseUrl: string,
  distDir: string,
  sso: SsoSettings | null = null,
): Promise<void> {
  const base = parseBaseUrl(baseUrl);
  const template = await readFile(TEMPLATE_PATH, 'utf8');
  // Both render before anything is written, so bad settings leave no half-written dist.
  const xml = renderManifestXml(template, base, sso);
  const unified = buildUnifiedManifest(base, sso);
  await mkdir(distDir, { recursive: true });
  await writeFile(join(distDir, 'manifest.xml'), xml);
  await writeFile(join(distDir, 'manifest.json'), `${JSON.stringify(unified, null, 2)}\n`);
  await writeFile(join(distDir, NL_LOCALIZATION_FILE), `${JSON.stringify(buildNlLocalization(), null, 2)}\n`);
}
