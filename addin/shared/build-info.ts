/** Set by the build (webpack DefinePlugin) from ADDIN_BASE_URL; the add-in calls the backend there. */
declare const __ADDIN_BASE_URL__: string | undefined;

export const ADDIN_BASE_URL: string =
  typeof __ADDIN_BASE_URL__ === 'string' ? __ADDIN_BASE_URL__ : 'https://localhost:3000';
