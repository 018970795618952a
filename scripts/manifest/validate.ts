import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { parseBaseUrl, type SsoSettings } from '../manifest';
import { checkConsistency } from './consistency';
import { checkEventsAndRequirements } from './events';
import { checkAssociations, xmlFunctionNames } from './handlers';
import { checkXmlIcons } from './icons';
import { errorMessage, type Problem } from './problems';
import { checkResources } from './resources';
import { checkXmlSso } from './sso';
import { checkStructure, type ElementTypes } from './structure';
import { checkUnified } from './unified';
import { checkXmlUrls, fileExists, type UrlContext } from './urls';
import { parseXml, type XmlElement } from './xml';

/**
 * `npm run validate`: offline checks of the BUILT dist/manifest.xml and dist/manifest.json. The XML's
 * structure is checked against the table in schema.ts; the rest (URLs, icons, SSO, Smart Alerts rules, the
 * handlers in the bundle, XML ↔ JSON) by the modules next to this one.
 */

/** What office-addin-manifest, a maintained reader, makes of the file must be a mail add-in. */
async function checkWithReader(file: string, problems: Problem[]): Promise<boolean> {
  try {
    const info = await OfficeAddinManifest.readManifestFile(file);
    if (info.officeAppType !== 'MailApp') {
      problems.push({
        rule: 'manifest-info',
        message: `OfficeApp xsi:type is ${info.officeAppType ?? 'missing'}, not MailApp`,
      });
    }
    if (!info.hosts?.includes('Mailbox')) {
      problems.push({ rule: 'manifest-info', message: 'Hosts does not include Mailbox' });
    }
    return true;
  } catch (error) {
    problems.push({
      rule: 'parse',
      message: `office-addin-manifest cannot read ${file}: ${errorMessage(error)}`,
    });
    return false;
  }
}

interface CheckedXml {
  root: XmlElement;
  types: ElementTypes;
}

async function checkXml(ctx: UrlContext, problems: Problem[]): Promise<CheckedXml | undefined> {
  const file = join(ctx.distDir, 'manifest.xml');
  if (!(await fileExists(file))) {
    problems.push({ rule: 'dist-file', message: `${file} does not exist (run the build first)` });
    return undefined;
  }
  if (!(await checkWithReader(file, problems))) return undefined;
  let root: XmlElement;
  try {
    root = parseXml(await readFile(file, 'utf8'));
  } catch (error) {
    problems.push({ rule: 'parse', message: `${file}: ${errorMessage(error)}` });
    return undefined;
  }
  const types = checkStructure(root, problems);
  checkResources(root, types, problems);
  await checkXmlUrls(root, ctx, problems);
  await checkXmlIcons(root, types, ctx, problems);
  checkXmlSso(root, ctx, problems);
  checkEventsAndRequirements(root, problems);
  await checkAssociations(xmlFunctionNames(root), ctx.distDir, problems);
  return { root, types };
}

/**
 * Checks dist/manifest.xml and dist/manifest.json (and what they refer to in dist) against `baseUrl` and
 * the Office SSO settings the build was given (null: the manifests must declare none).
 */
export async function validateManifests(
  distDir: string,
  baseUrl: string,
  sso: SsoSettings | null = null,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  let base: string;
  try {
    base = parseBaseUrl(baseUrl);
  } catch (error) {
    return [{ rule: 'base-url', message: errorMessage(error) }];
  }
  const ctx: UrlContext = { base, distDir, sso };
  const xml = await checkXml(ctx, problems);
  const unified = await checkUnified(ctx, problems);
  if (xml && unified) checkConsistency(xml.root, xml.types, unified, problems);
  return problems;
}
