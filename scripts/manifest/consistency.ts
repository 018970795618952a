import { asArray, isObject, jsonAt, ribbonControls, str, walkJson, type Json } from './json';
import type { Problem } from './problems';
import { resolveResid, resourceText } from './resources';
import { COMMAND_SURFACES, EVENT_TYPES } from './schema';
import { TRANSLATED_LOCALE } from './strings';
import type { ElementTypes } from './structure';
import type { UnifiedResult } from './unified';
import { childNamed, childrenNamed, innerVersionOverrides, translation, walk, type XmlElement } from './xml';

/**
 * XML ↔ JSON: the built manifests describe the same add-in, ids, events, strings, runtime and SSO
 * application. Both are generated from strings.ts, so a difference means a hand-edited or stale dist/.
 */

export function checkConsistency(
  root: XmlElement,
  types: ElementTypes,
  unified: UnifiedResult,
  problems: Problem[],
): void {
  const { manifest, nl } = unified;
  const mismatch = (what: string, xml: unknown, json: unknown): void => {
    if (xml !== json) {
      problems.push({
        rule: 'consistency',
        message: `${what} differs: manifest.xml ${JSON.stringify(xml)}, manifest.json ${JSON.stringify(json)}`,
      });
    }
  };
  mismatch('the add-in id', childNamed(root, 'Id')?.text.toLowerCase(), str(manifest.id)?.toLowerCase());
  const xmlVersion = childNamed(root, 'Version')?.text ?? '';
  mismatch('the version', xmlVersion.replace(/^(\d+\.\d+\.\d+)\.0$/, '$1'), str(manifest.version));
  const displayName = childNamed(root, 'DisplayName');
  const description = childNamed(root, 'Description');
  mismatch('the name', displayName?.attrs.DefaultValue, jsonAt(manifest, 'name.short'));
  mismatch('the description', description?.attrs.DefaultValue, jsonAt(manifest, 'description.full'));
  if (nl) {
    const name = displayName && translation(displayName, TRANSLATED_LOCALE);
    const full = description && translation(description, TRANSLATED_LOCALE);
    mismatch(`the ${TRANSLATED_LOCALE} name`, name, nl['name.short']);
    mismatch(`the ${TRANSLATED_LOCALE} description`, full, nl['description.full']);
  }
  checkMailbox(root, manifest, mismatch);
  checkRibbon(root, types, unified, mismatch);
  checkSurfaces(root, types, manifest, mismatch);
  checkEvents(root, manifest, mismatch);
  checkRuntime(root, types, manifest, mismatch);

  // Office SSO: the same application and Application ID URI, or neither manifest declares one.
  const webApp = [...walk(root)].find((element) => element.name === 'WebApplicationInfo');
  const jsonWebApp = isObject(manifest.webApplicationInfo) ? manifest.webApplicationInfo : undefined;
  mismatch(
    'the SSO application id',
    childNamed(webApp, 'Id')?.text.toLowerCase(),
    str(jsonWebApp?.id)?.toLowerCase(),
  );
  mismatch('the SSO resource', childNamed(webApp, 'Resource')?.text, str(jsonWebApp?.resource));
}

type Mismatch = (what: string, xml: unknown, json: unknown) => void;

function checkMailbox(root: XmlElement, manifest: Record<string, Json>, mismatch: Mismatch): void {
  const innerSets = childNamed(childNamed(innerVersionOverrides(root), 'Requirements'), 'bt:Sets');
  const innerMailbox = childrenNamed(innerSets, 'bt:Set').find((set) => set.attrs.Name === 'Mailbox');
  const capability = asArray(jsonAt(manifest, 'extensions[0].requirements.capabilities') ?? null)
    .filter(isObject)
    .find((item) => item.name === 'Mailbox');
  mismatch(
    'the Mailbox requirement',
    innerMailbox?.attrs.MinVersion ?? innerSets?.attrs.DefaultMinVersion,
    capability ? str(capability.minVersion) : undefined,
  );
}

/** Groups and controls, with their strings. */
function checkRibbon(
  root: XmlElement,
  types: ElementTypes,
  unified: UnifiedResult,
  mismatch: Mismatch,
): void {
  const { manifest, nl } = unified;
  const xmlGroups = [...walk(root)].filter((element) => element.name === 'Group');
  const xmlControls = [...walk(root)].filter((element) => element.name === 'Control');
  const { groups, controls } = ribbonControls(manifest);
  const ids = (list: (string | undefined)[]): string => list.sort().join(', ');
  mismatch(
    'the group ids',
    ids(xmlGroups.map((group) => group.attrs.id)),
    ids(groups.map(({ control }) => str(control.id))),
  );
  mismatch(
    'the control ids',
    ids(xmlControls.map((control) => control.attrs.id)),
    ids(controls.map(({ control }) => str(control.id))),
  );
  const compareStrings = (label: string, element: XmlElement | undefined, path: string): void => {
    mismatch(`${label} (en)`, resourceText(element, types, undefined), jsonAt(manifest, path));
    if (nl) {
      const xml = resourceText(element, types, TRANSLATED_LOCALE);
      mismatch(`${label} (${TRANSLATED_LOCALE})`, xml, nl[path]);
    }
  };
  for (const { path, control } of groups) {
    const group = xmlGroups.find((element) => element.attrs.id === control.id);
    if (group) {
      compareStrings(
        `the label of group ${group.attrs.id ?? ''}`,
        childNamed(group, 'Label'),
        `${path}.label`,
      );
    }
  }
  for (const { path, control } of controls) {
    const xml = xmlControls.find((element) => element.attrs.id === control.id);
    if (!xml) continue;
    const id = xml.attrs.id ?? '';
    const supertip = childNamed(xml, 'Supertip');
    compareStrings(`the label of ${id}`, childNamed(xml, 'Label'), `${path}.label`);
    compareStrings(`the supertip title of ${id}`, childNamed(supertip, 'Title'), `${path}.supertip.title`);
    compareStrings(
      `the supertip of ${id}`,
      childNamed(supertip, 'Description'),
      `${path}.supertip.description`,
    );
  }
}

/** Which form each button is on (compose, read: the ExtensionPoint vs the ribbon's contexts) and what it opens. */
function checkSurfaces(
  root: XmlElement,
  types: ElementTypes,
  manifest: Record<string, Json>,
  mismatch: Mismatch,
): void {
  const xml = [...walk(root)]
    .filter((element) => element.name === 'Control')
    .map((control) => {
      let point = control.parent;
      while (point && point.name !== 'ExtensionPoint') point = point.parent;
      const surface = point?.attrs['xsi:type'] ?? '';
      const source = childNamed(childNamed(control, 'Action'), 'SourceLocation');
      const page = source && resolveResid(source, types)?.element.attrs.DefaultValue;
      return `${control.attrs.id ?? ''} on ${COMMAND_SURFACES[surface] ?? surface} opens ${page ?? 'no page'}`;
    });
  const pages = new Map<string, string>();
  for (const runtime of asArray(jsonAt(manifest, 'extensions[0].runtimes') ?? null).filter(isObject)) {
    const page = isObject(runtime.code) ? str(runtime.code.page) : undefined;
    for (const action of asArray(runtime.actions).filter(isObject))
      if (action.type === 'openPage' && page !== undefined) pages.set(str(action.id) ?? '', page);
  }
  const json = ribbonControls(manifest).controls.map(({ path, control }) => {
    const ribbon = jsonAt(manifest, path.replace(/\.tabs\[.*$/, ''));
    const contexts = isObject(ribbon) ? asArray(ribbon.contexts).map(str).join('+') : '';
    const page = pages.get(str(control.actionId) ?? '');
    return `${str(control.id) ?? ''} on ${contexts} opens ${page ?? 'no page'}`;
  });
  mismatch('the ribbon buttons', xml.sort().join('; '), json.sort().join('; '));
}

/** Events, functions and send modes (XML PascalCase, JSON camelCase). */
function checkEvents(root: XmlElement, manifest: Record<string, Json>, mismatch: Mismatch): void {
  const xmlEvents = [...walk(root)]
    .filter((element) => element.name === 'LaunchEvent')
    .map((event) => {
      const mode = event.attrs.SendMode;
      const type = event.attrs.Type ?? '';
      const sendMode = mode ? ` (${mode[0]?.toLowerCase() ?? ''}${mode.slice(1)})` : '';
      return `${EVENT_TYPES[type] ?? type}→${event.attrs.FunctionName ?? ''}${sendMode}`;
    })
    .sort();
  const jsonEvents: string[] = [];
  for (const [path, value] of walkJson(manifest, '')) {
    if (!/\.events\[\d+\]$/.test(path) || !isObject(value)) continue;
    const mode = isObject(value.options) ? str(value.options.sendMode) : undefined;
    jsonEvents.push(`${str(value.type) ?? ''}→${str(value.actionId) ?? ''}${mode ? ` (${mode})` : ''}`);
  }
  mismatch('the launch events', xmlEvents.join(', '), jsonEvents.sort().join(', '));
}

/** The event runtime's page and script. */
function checkRuntime(
  root: XmlElement,
  types: ElementTypes,
  manifest: Record<string, Json>,
  mismatch: Mismatch,
): void {
  const runtime = [...walk(root)].find((element) => element.name === 'Runtime');
  const runtimeUrl = runtime && resolveResid(runtime, types)?.element.attrs.DefaultValue;
  const jsOverride = childrenNamed(runtime, 'Override').find(
    (override) => override.attrs.type === 'javascript',
  );
  const scriptUrl = jsOverride && resolveResid(jsOverride, types)?.element.attrs.DefaultValue;
  const eventRuntime = asArray(jsonAt(manifest, 'extensions[0].runtimes') ?? null)
    .filter(isObject)
    .find((item) =>
      asArray(item.actions).some((action) => isObject(action) && action.type === 'executeFunction'),
    );
  const code = eventRuntime && isObject(eventRuntime.code) ? eventRuntime.code : {};
  mismatch('the event runtime page', runtimeUrl, str(code.page));
  mismatch('the event runtime script', scriptUrl, str(code.script));
}
