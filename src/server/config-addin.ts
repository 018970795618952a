import {
  parseOnBackendError,
  parseSsoSettings,
  type BuildOnBackendError,
  type SsoSettings,
} from '../addin-settings';

/** The settings baked into dist/ by `npm run build`; the server compares them with dist/build-info.json. */
export interface AddinBuildSettings {
  sso: SsoSettings | null;
  onBackendError: BuildOnBackendError;
}

/**
 * ADDIN_SSO_CLIENT_ID, ADDIN_SSO_RESOURCE and ADDIN_ON_BACKEND_ERROR, parsed as the build parses them. SSO
 * is only judged for an https public URL: Outlook loads add-ins over HTTPS only, so an http one has no
 * add-in to sign in to.
 */
export function addinBuildSettings(
  env: Readonly<Record<string, string | undefined>>,
  publicUrl: string,
  problems: string[],
): AddinBuildSettings {
  let sso: SsoSettings | null = null;
  let onBackendError: BuildOnBackendError = 'warn';
  try {
    if (publicUrl.startsWith('https://')) sso = parseSsoSettings(env, publicUrl);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  try {
    onBackendError = parseOnBackendError(env);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return { sso, onBackendError };
}
