import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config';

/** What `npm run build` records next to the add-in (scripts/build.ts writes it). */
export const BUILD_INFO_FILE = 'build-info.json';

/** Pages this version serves; a dist/ from an older checkout may lack one (e.g. the admin console). */
const BUILT_PAGES = ['taskpane.html', 'commands.html', 'try.html', 'admin.html'];

interface BuildInfo {
  baseUrl?: string;
  ssoClientId?: string | null;
  ssoResource?: string | null;
  onBackendError?: string;
}

/**
 * Why dist/ does not fit this configuration (missing, built for another URL, other SSO or onBackendError
 * settings, a page missing), or null when it fits. An http public URL needs no add-in: Outlook loads
 * add-ins only over HTTPS, so there is nothing to compare.
 */
export function addinBuildProblem(config: Config): string | null {
  if (!config.publicUrl.startsWith('https://')) return null;
  let built: BuildInfo;
  try {
    built = JSON.parse(readFileSync(join(config.distDir, BUILD_INFO_FILE), 'utf8')) as BuildInfo;
  } catch {
    return 'dist/ is missing';
  }
  const { sso, onBackendError } = config.addin;
  if (built.baseUrl !== config.publicUrl) return `dist/ is built for ${built.baseUrl ?? 'another URL'}`;
  if (
    (built.ssoClientId ?? null) !== (sso?.clientId ?? null) ||
    (built.ssoResource ?? null) !== (sso?.resource ?? null)
  )
    return 'dist/ is built with other Office SSO settings';
  if ((built.onBackendError ?? 'warn') !== onBackendError)
    return `dist/ is built with ADDIN_ON_BACKEND_ERROR=${built.onBackendError ?? 'warn'}`;
  const missing = BUILT_PAGES.find((page) => !existsSync(join(config.distDir, page)));
  return missing ? `dist/ lacks ${missing}` : null;
}

/** The command that builds dist/ for this configuration. */
export function buildCommand(config: Config): string {
  const { sso: settings } = config.addin;
  const sso = settings
    ? ` ADDIN_SSO_CLIENT_ID=${settings.clientId} ADDIN_SSO_RESOURCE=${settings.resource}`
    : '';
  const onError = config.addin.onBackendError === 'warn' ? '' : ' ADDIN_ON_BACKEND_ERROR=block';
  return `ADDIN_BASE_URL=${config.publicUrl}${sso}${onError} npm run build`;
}
