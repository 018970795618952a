/**
 * The add-in's build settings, read from the environment: ADDIN_BASE_URL, Office SSO (ADDIN_SSO_CLIENT_ID,
 * ADDIN_SSO_RESOURCE) and ADDIN_ON_BACKEND_ERROR. Pure parsing, so the build (scripts/) and the server's
 * config (which must tell whether dist/ was built for it) share it without the server loading build tooling.
 */

export const DEFAULT_BASE_URL = 'https://localhost:3000';

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
