import { join } from 'node:path';
import { parseBaseUrl, parseSsoSettings, type SsoSettings } from './manifest';
import { errorMessage, formatProblem } from './manifest/problems';
import { validateManifests } from './manifest/validate';

/**
 * `npm run validate [DIST]`: checks the built manifests in dist/ offline against ADDIN_BASE_URL and the
 * ADDIN_SSO_* settings of the build. The checks live in scripts/manifest/ (schema.ts is the XML schema
 * table, validate.ts runs them all).
 */

// The public surface other scripts and tests use.
export { formatProblem, type Problem } from './manifest/problems';
export { readPngSize } from './manifest/icons';
export { validateManifests } from './manifest/validate';
export { parseXml, type XmlElement } from './manifest/xml';

async function main(): Promise<number> {
  const distDir = process.argv[2] ?? join(__dirname, '..', 'dist');
  let base: string;
  let sso: SsoSettings | null;
  try {
    base = parseBaseUrl(process.env.ADDIN_BASE_URL);
    // The build's SSO settings come from the environment too; the manifests must match them.
    sso = parseSsoSettings(process.env, base);
  } catch (error) {
    console.error(errorMessage(error));
    return 1;
  }
  const problems = await validateManifests(distDir, base, sso);
  for (const problem of problems) console.error(formatProblem(problem));
  if (problems.length > 0) {
    console.error(`${problems.length} manifest problem${problems.length === 1 ? '' : 's'} in ${distDir}`);
    return 1;
  }
  const withSso = sso ? ` with Office SSO for ${sso.clientId}` : '';
  console.log(`manifest.xml and manifest.json in ${distDir} are valid for ${base}${withSso}`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(errorMessage(error));
      process.exitCode = 1;
    },
  );
}
