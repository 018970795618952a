import { apiUriHost } from '../manifest';
import type { Problem } from './problems';
import type { UrlContext } from './urls';
import { childNamed, walk, type XmlElement } from './xml';

/**
 * Office SSO (WebApplicationInfo): its place, Scopes, the Id's GUID form and the Resource's length are in
 * schema.ts; here, what depends on the build's settings and on the add-in's host.
 */

function hostOf(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).host;
  } catch {
    return undefined;
  }
}

export function checkXmlSso(root: XmlElement, ctx: UrlContext, problems: Problem[]): void {
  const expected = ctx.sso;
  const info = [...walk(root)].find((element) => element.name === 'WebApplicationInfo');
  if (!info) {
    if (expected) {
      problems.push({
        rule: 'sso',
        message: `manifest.xml has no WebApplicationInfo, but ADDIN_SSO_CLIENT_ID is ${expected.clientId}`,
      });
    }
    return;
  }
  const where = info.path;
  if (!expected) {
    problems.push({
      rule: 'sso',
      message:
        'manifest.xml declares WebApplicationInfo, but ADDIN_SSO_CLIENT_ID is not set (validate with the settings of the build)',
      where,
    });
  }
  const id = childNamed(info, 'Id')?.text ?? '';
  const resource = childNamed(info, 'Resource')?.text ?? '';
  // Office gets a token only for an add-in served from the Resource's own domain.
  const resourceHost = apiUriHost(resource);
  const formSource = childNamed(
    childNamed(childNamed(childNamed(root, 'FormSettings'), 'Form'), 'DesktopSettings'),
    'SourceLocation',
  );
  const sourceHost = hostOf(formSource?.attrs.DefaultValue) ?? new URL(ctx.base).host;
  if (resource !== '' && resourceHost === undefined) {
    problems.push({
      rule: 'sso',
      message: `WebApplicationInfo Resource "${resource}" is not an api:// URI (api://${sourceHost}/<client id>)`,
      where,
    });
  } else if (resourceHost !== undefined && resourceHost !== sourceHost) {
    problems.push({
      rule: 'sso',
      message: `WebApplicationInfo Resource host ${resourceHost} differs from the SourceLocation host ${sourceHost}`,
      where,
    });
  }
  if (expected && id.toLowerCase() !== expected.clientId) {
    problems.push({
      rule: 'sso',
      message: `WebApplicationInfo Id ${id} is not ADDIN_SSO_CLIENT_ID ${expected.clientId}`,
      where,
    });
  }
  if (expected && resource !== expected.resource) {
    problems.push({
      rule: 'sso',
      message: `WebApplicationInfo Resource ${resource} is not the expected ${expected.resource}`,
      where,
    });
  }
}
