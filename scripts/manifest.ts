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
  STRINGS,
  TASKPANE_BUTTON_ID,
  TRANSLATED_LOCALE,
  UNIFIED_VERSION,
  XML_VERSION,
  iconPath,
} from './manifest/strings';
import { fillXmlStrings } from './manifest/xml-template';

/**
 * Manifest generation for the build: the add-in-only XML manifest (from the repo-root template) and the
 * unified JSON manifest, both pointing at ADDIN_BASE_URL. `npm run validate` checks what this writes.
 */

export const DEFAULT_BASE_URL = 'https://localhost:3000';
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

/**
 * Normalises ADDIN_BASE_URL: https only, an optional path, no trailing slash, no query, fragment or
 * credentials. Unset or empty gives the default. Throws an Error with a one-line message otherwise.
 */
export function parseBaseUrl(value: string | undefined): string {
  const raw = value?.trim() ?? '';
  if (raw === '') return DEFAULT_BASE_URL;
  const shown = JSON.stringify(raw);
  // The URL parser silently drops tabs and newlines; refuse them instead of guessing.
  if (/[\s\p{Cc}]/u.test(raw))
    throw new Error(`ADDIN_BASE_URL contains whitespace or control characters: ${shown}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ADDIN_BASE_URL is not an absolute URL: ${shown} (expected e.g. https://host/path)`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(
      `ADDIN_BASE_URL must be an https:// URL (Outlook loads add-ins only over HTTPS): ${shown}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(`ADDIN_BASE_URL must not contain credentials: ${shown}`);
  }
  if (raw.includes('?') || raw.includes('#')) {
    throw new Error(`ADDIN_BASE_URL must not have a query or fragment: ${shown}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Office single sign-on (legacy SSO, OfficeRuntime.auth.getAccessToken): the add-in's Entra application and
 * its Application ID URI, declared as WebApplicationInfo (XML) and webApplicationInfo (unified manifest).
 */
export interface SsoSettings {
  /** The Entra application (client) id, a lower-case GUID. */
  clientId: string;
  /** api://<host of ADDIN_BASE_URL>/<client id> unless ADDIN_SSO_RESOURCE says otherwise. */
  resource: string;
}

/** Office asks for these on the add-in's behalf: who the user is, no Graph access. */
export const SSO_SCOPES = ['openid', 'profile'] as const;

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The host (with any port) of an api:// URI, or undefined when it is not one. */
export function apiUriHost(uri: string): string | undefined {
  return /^api:\/\/([^/?#\s]+)(?:\/[^?#\s]*)?$/.exec(uri)?.[1]?.toLowerCase();
}

/**
 * Reads ADDIN_SSO_CLIENT_ID and ADDIN_SSO_RESOURCE for an add-in served from `baseUrl`; null when neither
 * is set. Throws an Error with a one-line message when they are unusable.
 */
export function parseSsoSettings(
  env: Readonly<Record<string, string | undefined>>,
  baseUrl: string,
): SsoSettings | null {
  const base = new URL(parseBaseUrl(baseUrl));
  const rawId = env.ADDIN_SSO_CLIENT_ID?.trim() ?? '';
  const rawResource = env.ADDIN_SSO_RESOURCE?.trim() ?? '';
  if (rawId === '') {
    if (rawResource !== '') throw new Error('ADDIN_SSO_RESOURCE is set but ADDIN_SSO_CLIENT_ID is not');
    return null;
  }
  if (!GUID.test(rawId)) {
    throw new Error(
      `ADDIN_SSO_CLIENT_ID is not a GUID: ${JSON.stringify(rawId)} (expected the Entra application (client) id)`,
    );
  }
  const clientId = rawId.toLowerCase();
  if (rawResource === '') return { clientId, resource: `api://${base.host}/${clientId}` };
  const shown = JSON.stringify(rawResource);
  const host = apiUriHost(rawResource);
  if (host === undefined) {
    throw new Error(
      `ADDIN_SSO_RESOURCE must be an api:// URI without query or fragment, e.g. api://${base.host}/${clientId}: ${shown}`,
    );
  }
  // Office requests a token only for an add-in served from the Resource's own domain.
  if (host !== base.host) {
    throw new Error(
      `ADDIN_SSO_RESOURCE host ${host} differs from the add-in's host ${base.host} (ADDIN_BASE_URL): ${shown}`,
    );
  }
  return { clientId, resource: rawResource };
}

export const ON_BACKEND_ERROR_CHOICES = ['warn', 'block'] as const;
export type BuildOnBackendError = (typeof ON_BACKEND_ERROR_CHOICES)[number];

/**
 * ADDIN_ON_BACKEND_ERROR: what the send check does when it has never seen the org's policy and cannot get it
 * (baked into launchevent.js; recorded in build-info.json). Unset or empty is `warn`; anything but `warn` or
 * `block` throws an Error with a one-line message, so a typo cannot quietly weaken the build.
 */
export function parseOnBackendError(env: Readonly<Record<string, string | undefined>>): BuildOnBackendError {
  const raw = env.ADDIN_ON_BACKEND_ERROR?.trim() ?? '';
  if (raw === '') return 'warn';
  const value = raw.toLowerCase();
  if (value === 'warn' || value === 'block') return value;
  throw new Error(
    `ADDIN_ON_BACKEND_ERROR must be "warn" or "block" (the default is "warn"): ${JSON.stringify(raw.slice(0, 40))}`,
  );
}

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
