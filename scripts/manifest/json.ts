/** Reading the unified manifest as plain JSON, without trusting its shape. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Every value with its path in the localization files' notation, e.g. `extensions[0].ribbons`. */
export function* walkJson(value: Json, path: string): Generator<[string, Json]> {
  yield [path, value];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* walkJson(item, `${path}[${index}]`);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* walkJson(item, path ? `${path}.${key}` : key);
  }
}

export function jsonAt(document: Json, path: string): Json | undefined {
  let node: Json | undefined = document;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else return undefined;
  }
  return node;
}

export interface JsonControl {
  path: string;
  control: Record<string, Json>;
}

export function ribbonControls(manifest: Record<string, Json>): {
  groups: JsonControl[];
  controls: JsonControl[];
} {
  const groups: JsonControl[] = [];
  const controls: JsonControl[] = [];
  for (const [e, extension] of asArray(manifest.extensions).entries()) {
    if (!isObject(extension)) continue;
    for (const [r, ribbon] of asArray(extension.ribbons).entries()) {
      if (!isObject(ribbon)) continue;
      for (const [t, tab] of asArray(ribbon.tabs).entries()) {
        if (!isObject(tab)) continue;
        for (const [g, group] of asArray(tab.groups).entries()) {
          if (!isObject(group)) continue;
          const groupPath = `extensions[${e}].ribbons[${r}].tabs[${t}].groups[${g}]`;
          groups.push({ path: groupPath, control: group });
          for (const [c, control] of asArray(group.controls).entries()) {
            if (isObject(control)) controls.push({ path: `${groupPath}.controls[${c}]`, control });
          }
        }
      }
    }
  }
  return { groups, controls };
}

/** Paths of the strings a localization file translates (and must, for TLS Gate's nl-NL). */
export function localizablePaths(manifest: Record<string, Json>): string[] {
  const paths = ['name.short', 'description.short', 'description.full'];
  const { groups, controls } = ribbonControls(manifest);
  for (const { path } of groups) paths.push(`${path}.label`);
  for (const { path, control } of controls) {
    paths.push(`${path}.label`);
    if (isObject(control.supertip)) paths.push(`${path}.supertip.title`, `${path}.supertip.description`);
  }
  return paths.filter((path) => typeof jsonAt(manifest, path) === 'string');
}
