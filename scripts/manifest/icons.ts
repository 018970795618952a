import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { isObject, str, walkJson, type Json } from './json';
import { errorMessage, type Problem } from './problems';
import { resolveResid } from './resources';
import type { ElementTypes } from './structure';
import { checkDistFile, urlToDistFile, type UrlContext } from './urls';
import { childNamed, walk, type XmlElement } from './xml';

/** Icons: every one the manifests name is a sound PNG in dist/ of the size it is declared at. */

/** The XML manifest's top-level icons (docs, manifest/iconurl and highresolutioniconurl). */
const XML_TOP_ICONS: readonly [string, number][] = [
  ['IconUrl', 64],
  ['HighResolutionIconUrl', 128],
];
/** Sizes every ribbon <Icon> provides (docs, manifest/icon: 16, 32 and 80 for Outlook). */
const RIBBON_ICON_SIZES = ['16', '32', '80'];
/** The unified manifest's package icons, paths relative to manifest.json (its schema's descriptions). */
const PACKAGE_ICONS: readonly [string, number][] = [
  ['color', 192],
  ['outline', 32],
];

/** Width and height from a PNG's IHDR, after checking the signature and every chunk's CRC. */
export function readPngSize(png: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 8 || !png.subarray(0, 8).equals(signature)) throw new Error('not a PNG (bad signature)');
  let offset = 8;
  let size: { width: number; height: number } | undefined;
  let ended = false;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw new Error('truncated chunk');
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error(`truncated ${type} chunk`);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== png.readUInt32BE(offset + 8 + length)) {
      throw new Error(`bad CRC in ${type} chunk`);
    }
    if (offset === 8) {
      if (type !== 'IHDR' || length !== 13) throw new Error('first chunk is not IHDR');
      size = { width: png.readUInt32BE(offset + 8), height: png.readUInt32BE(offset + 12) };
    }
    offset = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!size || !ended) throw new Error('missing IHDR or IEND');
  return size;
}

async function checkPng(path: string, size: number, where: string, problems: Problem[]): Promise<void> {
  try {
    const actual = readPngSize(await readFile(path));
    if (actual.width !== size || actual.height !== size) {
      problems.push({
        rule: 'icon',
        message: `${path} is ${actual.width}×${actual.height}, expected ${size}×${size}`,
        where,
      });
    }
  } catch (error) {
    problems.push({ rule: 'icon', message: `${path}: ${errorMessage(error)}`, where });
  }
}

export async function checkXmlIcons(
  root: XmlElement,
  types: ElementTypes,
  ctx: UrlContext,
  problems: Problem[],
): Promise<void> {
  for (const [name, size] of XML_TOP_ICONS) {
    const element = childNamed(root, name);
    if (!element) {
      problems.push({
        rule: 'icon',
        message: `<${name}> (a ${size}×${size} PNG) is missing`,
        where: root.path,
      });
      continue;
    }
    const path = await urlToDistFile(element.attrs.DefaultValue, ctx);
    if (path !== undefined) await checkPng(path, size, element.path, problems);
  }
  for (const icon of [...walk(root)].filter((element) => element.name === 'Icon')) {
    const sizes = icon.children.map((image) => image.attrs.size);
    for (const required of RIBBON_ICON_SIZES) {
      if (!sizes.includes(required)) {
        problems.push({ rule: 'icon', message: `<Icon> has no ${required} px bt:Image`, where: icon.path });
      }
    }
    for (const image of icon.children) {
      const resource = resolveResid(image, types);
      if (!resource) continue; // reported by the resid rule
      const path = await urlToDistFile(resource.element.attrs.DefaultValue, ctx);
      if (path !== undefined) await checkPng(path, Number(image.attrs.size), image.path, problems);
    }
  }
}

export async function checkJsonIcons(
  manifest: Record<string, Json>,
  ctx: UrlContext,
  problems: Problem[],
): Promise<void> {
  const icons = isObject(manifest.icons) ? manifest.icons : {};
  for (const [key, size] of PACKAGE_ICONS) {
    const rel = str(icons[key]);
    const where = `manifest.json icons.${key}`;
    if (rel === undefined) continue; // the schema reports it
    const path = await checkDistFile(rel, where, ctx, problems);
    if (path) await checkPng(path, size, where, problems);
  }
  for (const [path, value] of walkJson(manifest, '')) {
    if (!path.endsWith('.icons') || !Array.isArray(value)) continue;
    for (const [index, icon] of value.entries()) {
      if (!isObject(icon) || typeof icon.size !== 'number') continue;
      const png = await urlToDistFile(str(icon.url), ctx);
      if (png) await checkPng(png, icon.size, `manifest.json ${path}[${index}]`, problems);
    }
  }
}
