/** Set by the build (webpack DefinePlugin) from ADDIN_BASE_URL; the add-in calls the backend there. */
declare const __ADDIN_BASE_URL__: string | undefined;

export const ADDIN_BASE_URL: string =
  typeof __ADDIN_BASE_URL__ === 'string' ? __ADDIN_BASE_URL__ : 'https://localhost:3000';

/**
 * Set by the build when ADDIN_SSO_CLIENT_ID is given: the manifest then declares WebApplicationInfo, and the
 * add-in asks Office for the signed-in user's token for the backend (`entra` deployments).
 */
declare const __ADDIN_SSO__: boolean | undefined;

export const ADDIN_SSO: boolean = typeof __ADDIN_SSO__ === 'boolean' ? __ADDIN_SSO__ : false;

/**
 * Set by the build from ADDIN_ON_BACKEND_ERROR (`warn` or `block`, default `warn`; scripts/manifest.ts rejects
 * anything else): what the send check does before it has ever seen the org's policy and cannot get it.
 */
declare const __ADDIN_ON_BACKEND_ERROR__: string | undefined;

export type BuildOnBackendError = 'warn' | 'block';

/** Anything the build did not set to `warn` is taken as `block` (fail closed); unset in tests is `warn`. */
export const ADDIN_ON_BACKEND_ERROR: BuildOnBackendError =
  typeof __ADDIN_ON_BACKEND_ERROR__ !== 'string' || __ADDIN_ON_BACKEND_ERROR__ === 'warn' ? 'warn' : 'block';
