import type { Problem } from './problems';
import { RESOURCE_KINDS } from './schema';
import type { ResourceKind } from './schema-types';
import { typeOf, type ElementTypes } from './structure';
import { childNamed, translation, walk, type XmlElement } from './xml';

/**
 * Resource references: every resid names a resource of the kind the table gives its element, in the
 * element's own VersionOverrides, and resource ids are unique there (an identity constraint the
 * [MS-OWEMXML] XSD leaves to prose).
 */

export interface Resource {
  kind: ResourceKind;
  element: XmlElement;
}

function nearestVersionOverrides(element: XmlElement): XmlElement | undefined {
  for (let node = element.parent; node; node = node.parent) {
    if (node.name === 'VersionOverrides') return node;
  }
  return undefined;
}

/** Resources are scoped to their VersionOverrides: a client that reads 1.1 ignores 1.0's. */
function resourcesOf(versionOverrides: XmlElement): Map<string, Resource> {
  const resources = new Map<string, Resource>();
  const container = childNamed(versionOverrides, 'Resources');
  for (const kind of RESOURCE_KINDS) {
    for (const element of childNamed(container, kind)?.children ?? []) {
      const id = element.attrs.id;
      if (id !== undefined) resources.set(id, { kind, element });
    }
  }
  return resources;
}

/** The resource an element's resid names, if it exists and is of the kind the element needs. */
export function resolveResid(element: XmlElement, types: ElementTypes): Resource | undefined {
  const resid = element.attrs.resid;
  const versionOverrides = nearestVersionOverrides(element);
  if (resid === undefined || versionOverrides === undefined) return undefined;
  const resource = resourcesOf(versionOverrides).get(resid);
  const kind = typeOf(types, element)?.resid;
  return resource && (kind === undefined || resource.kind === kind) ? resource : undefined;
}

/** The default-locale text (or a translation) of the resource an element names. */
export function resourceText(
  element: XmlElement | undefined,
  types: ElementTypes,
  locale: string | undefined,
): string | undefined {
  const resource = element && resolveResid(element, types);
  if (!resource) return undefined;
  return locale === undefined ? resource.element.attrs.DefaultValue : translation(resource.element, locale);
}

export function checkResources(root: XmlElement, types: ElementTypes, problems: Problem[]): void {
  for (const element of walk(root)) {
    if (element.name === 'VersionOverrides') {
      const seen = new Set<string>();
      const container = childNamed(element, 'Resources');
      for (const kind of RESOURCE_KINDS) {
        for (const resource of childNamed(container, kind)?.children ?? []) {
          const id = resource.attrs.id ?? '';
          if (seen.has(id)) {
            problems.push({
              rule: 'resource-id',
              message: `resource id "${id}" is used twice`,
              where: resource.path,
            });
          }
          seen.add(id);
        }
      }
    }
    const resid = element.attrs.resid;
    if (resid === undefined || resolveResid(element, types) !== undefined) continue;
    const kind = typeOf(types, element)?.resid;
    const versionOverrides = nearestVersionOverrides(element);
    const other = versionOverrides ? resourcesOf(versionOverrides).get(resid) : undefined;
    problems.push({
      rule: 'resid',
      message: other
        ? `resid "${resid}" is a ${other.kind} resource, but <${element.name}> needs ${kind ?? 'another kind'}`
        : `resid "${resid}" does not resolve to a resource in its VersionOverrides${kind ? ` (${kind})` : ''}`,
      where: element.path,
    });
  }
}
