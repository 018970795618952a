import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { checkAssociations, type FunctionRef } from './handlers';
import { checkJsonIcons } from './icons';
import { asArray, isObject, localizablePaths, str, walkJson, type Json } from './json';
import { errorMessage, type Problem } from './problems';
import { TRANSLATED_LOCALE } from './strings';
import { checkDistFile, checkJsonUrls, fileExists, type UrlContext } from './urls';

/**
 * dist/manifest.json and its localization files: the JSON schema @microsoft/app-manifest bundles (checked
 * offline, never fetched), then URLs, icons, actions and their handlers, and the nl-NL strings.
 */

export interface UnifiedResult {
  manifest: Record<string, Json>;
  nl: Record<string, Json> | undefined;
}

const APP_MANIFEST_ROOT = dirname(require.resolve('@microsoft/app-manifest/package.json'));

/** The bundled copy of a developer.microsoft.com schema URL, if @microsoft/app-manifest ships it. */
function bundledSchemaPath(url: string): string | undefined {
  const match =
    /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(json-schemas\/teams\/.+)$/i.exec(
      url,
    );
  if (!match?.[1]) return undefined;
  const path = join(APP_MANIFEST_ROOT, 'build', match[1]);
  return existsSync(path) ? path : undefined;
}

/**
 * Schema validation against the bundled copy only: validateAgainstSchema would fetch any other $schema URL.
 * The localization schema is passed explicitly because v1.30's has two patternProperties keys with a lone
 * `]` that ajv's unicode regexes reject; escaping it keeps the pattern's meaning.
 */
async function checkAgainstSchema(
  document: Record<string, Json>,
  file: string,
  problems: Problem[],
  patchPatterns: boolean,
): Promise<void> {
  const url = str(document.$schema);
  const path = url === undefined ? undefined : bundledSchemaPath(url);
  if (url === undefined || path === undefined) {
    problems.push({
      rule: 'json-schema',
      message: `$schema ${url ?? '(none)'} is not a schema bundled with @microsoft/app-manifest, so it cannot be checked offline`,
      where: file,
    });
    return;
  }
  let errors: string[];
  try {
    if (patchPatterns) {
      const raw = (await readFile(path, 'utf8')).replace(/\\\\b\]/g, '\\\\b\\\\]');
      const schema = JSON.parse(raw) as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];
      errors = await AppManifestUtils.validateAgainstSchema(document as unknown as AppManifest, schema);
    } else {
      errors = await AppManifestUtils.validateAgainstSchema(document as unknown as AppManifest);
    }
  } catch (error) {
    problems.push({
      rule: 'json-schema',
      message: `schema check failed: ${errorMessage(error)}`,
      where: file,
    });
    return;
  }
  for (const error of errors) problems.push({ rule: 'json-schema', message: error.trim(), where: file });
}

async function readJsonFile(path: string, problems: Problem[]): Promise<Record<string, Json> | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Json;
    if (isObject(parsed)) return parsed;
    problems.push({ rule: 'parse', message: `${path} is not a JSON object` });
  } catch (error) {
    problems.push({ rule: 'parse', message: `${path}: ${errorMessage(error)}` });
  }
  return undefined;
}

/** Every actionId names an action; function actions (and the events naming them) must be associated. */
async function checkActions(
  manifest: Record<string, Json>,
  ctx: UrlContext,
  problems: Problem[],
): Promise<void> {
  const actions = new Map<string, string>();
  for (const [e, extension] of asArray(manifest.extensions).entries()) {
    if (!isObject(extension)) continue;
    for (const runtime of asArray(extension.runtimes)) {
      if (!isObject(runtime)) continue;
      for (const action of asArray(runtime.actions)) {
        if (!isObject(action)) continue;
        const id = str(action.id) ?? '';
        if (actions.has(id)) {
          problems.push({
            rule: 'action-id',
            message: `action id ${id} is declared twice`,
            where: `manifest.json extensions[${e}]`,
          });
        }
        actions.set(id, str(action.type) ?? '');
      }
    }
  }
  const functionNames: FunctionRef[] = [];
  for (const [id, type] of actions) {
    if (type === 'executeFunction') functionNames.push({ name: id, where: `manifest.json action ${id}` });
  }
  for (const [path, value] of walkJson(manifest, '')) {
    if (!path.endsWith('.actionId') || typeof value !== 'string') continue;
    const type = actions.get(value);
    if (type === undefined) {
      problems.push({
        rule: 'action-id',
        message: `actionId ${value} names no runtime action`,
        where: `manifest.json ${path}`,
      });
    } else if (type === 'executeFunction') {
      functionNames.push({ name: value, where: `manifest.json ${path}` });
    }
  }
  await checkAssociations(functionNames, ctx.distDir, problems);
}

/** Every additional language file exists, matches the bundled localization schema and translates all. */
async function checkLocalization(
  manifest: Record<string, Json>,
  ctx: UrlContext,
  problems: Problem[],
): Promise<Record<string, Json> | undefined> {
  const localization = isObject(manifest.localizationInfo) ? manifest.localizationInfo : {};
  let translated: Record<string, Json> | undefined;
  const languages = asArray(localization.additionalLanguages).filter(isObject);
  const wanted = TRANSLATED_LOCALE.toLowerCase();
  if (!languages.some((language) => str(language.languageTag)?.toLowerCase() === wanted)) {
    problems.push({
      rule: 'locale',
      message: `localizationInfo.additionalLanguages has no ${TRANSLATED_LOCALE} file`,
      where: 'manifest.json localizationInfo',
    });
  }
  const translatable = localizablePaths(manifest);
  for (const language of languages) {
    const rel = str(language.file) ?? '';
    const tag = str(language.languageTag) ?? '';
    const path = await checkDistFile(rel, `manifest.json localizationInfo (${tag})`, ctx, problems);
    if (!path) continue;
    const strings = await readJsonFile(path, problems);
    if (!strings) continue;
    await checkAgainstSchema(strings, rel, problems, true);
    if (tag.toLowerCase() === wanted) translated = strings;
    for (const key of Object.keys(strings)) {
      if (key !== '$schema' && !translatable.includes(key)) {
        problems.push({
          rule: 'locale',
          message: `${key} does not name a string in manifest.json`,
          where: rel,
        });
      }
    }
    for (const key of translatable) {
      const value = strings[key];
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push({ rule: 'locale', message: `${key} has no ${tag} text`, where: rel });
      }
    }
  }
  return translated;
}

export async function checkUnified(ctx: UrlContext, problems: Problem[]): Promise<UnifiedResult | undefined> {
  const file = join(ctx.distDir, 'manifest.json');
  if (!(await fileExists(file))) {
    problems.push({ rule: 'dist-file', message: `${file} does not exist (run the build first)` });
    return undefined;
  }
  try {
    await OfficeAddinManifest.readManifestFile(file);
  } catch (error) {
    problems.push({
      rule: 'parse',
      message: `office-addin-manifest cannot read ${file}: ${errorMessage(error)}`,
    });
  }
  const manifest = await readJsonFile(file, problems);
  if (!manifest) return undefined;
  await checkAgainstSchema(manifest, 'manifest.json', problems, false);
  await checkJsonUrls(manifest, ctx, problems);
  await checkJsonIcons(manifest, ctx, problems);
  await checkActions(manifest, ctx, problems);
  const nl = await checkLocalization(manifest, ctx, problems);
  return { manifest, nl };
}
