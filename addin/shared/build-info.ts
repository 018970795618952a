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
