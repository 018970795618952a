import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SsoSettings } from '../manifest';
import { asArray, walkJson, type Json } from './json';
import type { Problem } from './problems';
import { walk, type XmlElement } from './xml';

/**
 * What no schema can say: every URL either manifest names is HTTPS, lies under ADDIN_BASE_URL, and points
 * at a file the build wrote into dist/. (Whether a value is an absolute URL at all, and its length, are
 * facets in schema.ts.)
 */

export interface UrlContext {
  base: string;
  distDir: string;
  /** The Office SSO settings the build was given (null: none). */
  sso: SsoSettings | null;
}

export const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The dist-relative path a URL under the base refers to, or a problem. */
export function checkUrl(
  value: string,
  where: string,
  ctx: UrlContext,
  problems: Problem[],
): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ rule: 'url-https', message: `"${value}" is not a valid URL`, where });
    return undefined;
  }
  if (url.protocol !== 'https:') {
    problems.push({ rule: 'url-https', message: `${value} is not HTTPS`, where });
    return undefined;
  }
  const base = new URL(ctx.base);
  const basePath = base.pathname.replace(/\/$/, '');
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) {
    problems.push({ rule: 'url-base', message: `${value} is not under ADDIN_BASE_URL ${ctx.base}`, where });
    return undefined;
  }
  return decodeURIComponent(url.pathname.slice(basePath.length + 1));
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The path of a file the build wrote, or a problem when `rel` leaves dist or names no file. */
export async function checkDistFile(
  rel: string,
  where: string,
  ctx: UrlContext,
  problems: Problem[],
): Promise<string | undefined> {
  const path = join(ctx.distDir, rel);
  if (relative(ctx.distDir, path).split(sep).includes('..') || !(await fileExists(path))) {
    problems.push({
      rule: 'dist-file',
      message: `${rel || '(the base itself)'} is not a file in dist`,
      where,
    });
    return undefined;
  }
  return path;
}

/** The dist file a URL names, or undefined without a problem (the URL checks report those). */
export async function urlToDistFile(url: string | undefined, ctx: UrlContext): Promise<string | undefined> {
  if (url === undefined) return undefined;
  const rel = checkUrl(url, '', ctx, []);
  if (rel === undefined) return undefined;
  const path = join(ctx.distDir, rel);
  return (await fileExists(path)) ? path : undefined;
}

export async function checkXmlUrls(root: XmlElement, ctx: UrlContext, problems: Problem[]): Promise<void> {
  for (const element of walk(root)) {
    const values: string[] = [];
    for (const [attr, value] of Object.entries(element.attrs)) {
      if (attr === 'xmlns' || attr.startsWith('xmlns:')) continue;
      if (URL_LIKE.test(value)) values.push(value);
    }
    // The SSO Resource is an api:// identifier, not a URL the add-in loads (sso.ts judges it).
    const ssoResource = element.name === 'Resource' && element.parent?.name === 'WebApplicationInfo';
    if (URL_LIKE.test(element.text) && !ssoResource) values.push(element.text);
    for (const value of values) {
      if (element.name === 'AppDomain') {
        const expected = new URL(ctx.base).origin;
        if (value !== expected) {
          problems.push({
            rule: value.startsWith('http:') ? 'url-https' : 'url-base',
            message: `AppDomain ${value} should be the ADDIN_BASE_URL origin ${expected}`,
            where: element.path,
          });
        }
        continue;
      }
      const rel = checkUrl(value, element.path, ctx, problems);
      if (rel !== undefined) await checkDistFile(rel, element.path, ctx, problems);
    }
  }
}

export async function checkJsonUrls(
  manifest: Record<string, Json>,
  ctx: UrlContext,
  problems: Problem[],
): Promise<void> {
  const base = new URL(ctx.base);
  for (const [path, value] of walkJson(manifest, '')) {
    if (typeof value !== 'string' || !URL_LIKE.test(value)) continue;
    if (path === '$schema' || path === 'webApplicationInfo.resource') continue;
    const rel = checkUrl(value, `manifest.json ${path}`, ctx, problems);
    if (rel !== undefined) await checkDistFile(rel, `manifest.json ${path}`, ctx, problems);
  }
  const domains = asArray(manifest.validDomains);
  if (domains.length !== 1 || domains[0] !== base.host) {
    problems.push({
      rule: 'url-base',
      message: `validDomains is ${JSON.stringify(domains)}, expected ["${base.host}"] (the ADDIN_BASE_URL host)`,
      where: 'manifest.json validDomains',
    });
  }
}
