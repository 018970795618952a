import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Script, createContext } from 'node:vm';
import { crc32 } from 'node:zlib';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { GUID, apiUriHost, parseBaseUrl, parseSsoSettings, type SsoSettings } from './manifest';

/**
 * `npm run validate`: offline checks of the BUILT dist/manifest.xml and dist/manifest.json.
 * `office-addin-manifest validate` posts the XML to an online service, and no [MS-OWEMXML] XSD that knows
 * LaunchEvent/Runtimes is available offline, so the parts of the schema this add-in uses are encoded below
 * as data, plus the rules the Smart Alerts docs state in prose.
 */

export interface Problem {
  rule: string;
  message: string;
  where?: string;
}

// ---------------------------------------------------------------------------------------------------------
// String limits. [MS-OWEMXML] (officeappbasictypes / appforoffice 1.1): bt:ShortString maxLength 125,
// bt:LongString maxLength 250, a resource id at most 32 characters, URL types at most 2048. DisplayName is a
// ShortString-limited setting and Description a LongString-limited one. Not checkable offline against the
// XSD itself; these are the documented values, applied conservatively (the tighter limit where in doubt).
// ---------------------------------------------------------------------------------------------------------
export const LIMITS = { shortString: 125, longString: 250, resourceId: 32, url: 2048 } as const;

const NS = {
  app: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  vo10: 'http://schemas.microsoft.com/office/mailappversionoverrides',
  vo11: 'http://schemas.microsoft.com/office/mailappversionoverrides/1.1',
};

const DEFAULT_LOCALE = 'en-US';
const OVERRIDE_LOCALE = 'nl-NL';
const TOP_MAILBOX_VERSION = '1.1';
const INNER_MAILBOX_VERSION = '1.12';
const SEND_MODES = ['PromptUser', 'SoftBlock', 'Block'];
/** XML LaunchEvent Type → unified autoRunEvents type (the ones listed in the Smart Alerts notes). */
const EVENT_TYPES: Readonly<Record<string, string>> = {
  OnMessageSend: 'messageSending',
  OnAppointmentSend: 'appointmentSending',
  OnMessageRecipientsChanged: 'messageRecipientsChanged',
  OnMessageAttachmentsChanged: 'messageAttachmentsChanged',
  OnSensitivityLabelChanged: 'sensitivityLabelChanged',
};

// ---------------------------------------------------------------------------------------------------------
// The element sequences this manifest relies on, from [MS-OWEMXML] §5.2 (appforoffice 1.1), §5.4/§5.5
// (mailappversionoverrides 1.0/1.1) and §5.6 (officeappbasictypes). Each type lists its required attributes
// and its children in schema order with min/max occurrences. Children typed by xsi:type pick their type from
// `xsiType`. Types not listed (CustomTab, Menu, MobileFormFactor internals, …) are reported rather than
// guessed at: extend the table when the manifest starts using them.
// ---------------------------------------------------------------------------------------------------------
type TypeRef = string | { readonly xsiType: Readonly<Record<string, string>> };
interface Particle {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly type: TypeRef;
}
interface ElementType {
  readonly attrs?: readonly string[];
  /** undefined: no element children allowed. */
  readonly children?: readonly Particle[];
  /** 'text': must have non-empty text content; 'any': children are not checked. */
  readonly content?: 'text' | 'any';
}

const one = (name: string, type: TypeRef): Particle => ({ name, min: 1, max: 1, type });
const opt = (name: string, type: TypeRef): Particle => ({ name, min: 0, max: 1, type });
const many = (name: string, type: TypeRef, min = 0): Particle => ({ name, min, max: Infinity, type });

const RULE_TYPES = {
  xsiType: {
    RuleCollection: 'RuleCollection',
    ItemIs: 'ItemIs',
    ItemHasAttachment: 'empty',
    ItemHasKnownEntity: 'ItemHasKnownEntity',
    ItemHasRegularExpressionMatch: 'ItemHasRegularExpressionMatch',
  },
};
const EXTENSION_POINT_TYPES = {
  xsiType: {
    MessageComposeCommandSurface: 'CommandSurface',
    MessageReadCommandSurface: 'CommandSurface',
    AppointmentOrganizerCommandSurface: 'CommandSurface',
    AppointmentAttendeeCommandSurface: 'CommandSurface',
    LaunchEvent: 'LaunchEventPoint',
  },
};

export const XML_SCHEMA: Readonly<Record<string, ElementType>> = {
  // OfficeApp xsi:type="MailApp": the OfficeApp base sequence followed by MailApp's own elements.
  MailApp: {
    children: [
      one('Id', 'text'),
      opt('AlternateId', 'text'),
      one('Version', 'text'),
      one('ProviderName', 'text'),
      one('DefaultLocale', 'text'),
      one('DisplayName', 'LocaleAware'),
      one('Description', 'LocaleAware'),
      opt('IconUrl', 'LocaleAware'),
      opt('HighResolutionIconUrl', 'LocaleAware'),
      opt('SupportUrl', 'LocaleAware'),
      opt('AppDomains', 'AppDomains'),
      opt('Hosts', 'Hosts'),
      opt('Requirements', 'Requirements'),
      one('FormSettings', 'FormSettings'),
      one('Permissions', 'text'),
      one('Rule', RULE_TYPES),
      opt('DisableEntityHighlighting', 'text'),
      opt('VersionOverrides', { xsiType: { VersionOverridesV1_0: 'VersionOverridesV1_0' } }),
    ],
  },
  LocaleAware: { attrs: ['DefaultValue'], children: [many('Override', 'Override')] },
  Override: { attrs: ['Locale', 'Value'] },
  AppDomains: { children: [many('AppDomain', 'text')] },
  Hosts: { children: [many('Host', 'HostName', 1)] },
  HostName: { attrs: ['Name'] },
  Requirements: { children: [opt('Sets', 'Sets'), opt('Methods', 'Methods')] },
  Sets: { children: [many('Set', 'Set', 1)] },
  Set: { attrs: ['Name'] },
  Methods: { children: [many('Method', 'Set', 1)] },
  FormSettings: {
    children: [many('Form', { xsiType: { ItemRead: 'ItemReadForm', ItemEdit: 'ItemEditForm' } }, 1)],
  },
  ItemReadForm: {
    children: [
      one('DesktopSettings', 'ReadSettings'),
      opt('TabletSettings', 'ReadSettings'),
      opt('PhoneSettings', 'EditSettings'),
    ],
  },
  ItemEditForm: {
    children: [
      one('DesktopSettings', 'EditSettings'),
      opt('TabletSettings', 'EditSettings'),
      opt('PhoneSettings', 'EditSettings'),
    ],
  },
  ReadSettings: { children: [one('SourceLocation', 'LocaleAware'), one('RequestedHeight', 'text')] },
  EditSettings: { children: [one('SourceLocation', 'LocaleAware')] },
  RuleCollection: { attrs: ['Mode'], children: [many('Rule', RULE_TYPES, 1)] },
  ItemIs: { attrs: ['ItemType'] },
  ItemHasKnownEntity: { attrs: ['EntityType'] },
  ItemHasRegularExpressionMatch: { attrs: ['RegExName', 'RegExValue', 'PropertyName'] },
  empty: {},
  // Event-based samples put nothing but the 1.1 element inside 1.0, so Hosts is optional here.
  VersionOverridesV1_0: {
    children: [
      opt('Description', 'ResourceRef'),
      opt('Requirements', 'VersionOverridesRequirements'),
      opt('Hosts', 'HostsV1_0'),
      opt('Resources', 'Resources'),
      opt('VersionOverrides', { xsiType: { VersionOverridesV1_1: 'VersionOverridesV1_1' } }),
    ],
  },
  VersionOverridesV1_1: {
    children: [
      opt('Description', 'ResourceRef'),
      opt('Requirements', 'VersionOverridesRequirements'),
      one('Hosts', 'HostsV1_1'),
      opt('Resources', 'Resources'),
      opt('WebApplicationInfo', 'WebApplicationInfo'),
      opt('ExtendedPermissions', 'any'),
    ],
  },
  // [MS-OWEMXML] 2.2.197: Office SSO's application, its Application ID URI and the scopes it asks for.
  WebApplicationInfo: {
    children: [one('Id', 'text'), one('Resource', 'text'), one('Scopes', 'WebApplicationScopes')],
  },
  WebApplicationScopes: { children: [many('Scope', 'text', 1)] },
  VersionOverridesRequirements: { children: [opt('bt:Sets', 'BtSets'), opt('bt:Methods', 'any')] },
  BtSets: { children: [many('bt:Set', 'Set', 1)] },
  HostsV1_0: { children: [many('Host', { xsiType: { MailHost: 'MailHostV1_0' } }, 1)] },
  HostsV1_1: { children: [many('Host', { xsiType: { MailHost: 'MailHostV1_1' } }, 1)] },
  MailHostV1_0: { children: [one('DesktopFormFactor', 'DesktopFormFactor'), opt('MobileFormFactor', 'any')] },
  MailHostV1_1: {
    children: [
      opt('Runtimes', 'Runtimes'),
      one('DesktopFormFactor', 'DesktopFormFactor'),
      opt('MobileFormFactor', 'any'),
    ],
  },
  Runtimes: { children: [many('Runtime', 'Runtime', 1)] },
  Runtime: { attrs: ['resid'], children: [many('Override', 'RuntimeOverride')] },
  RuntimeOverride: { attrs: ['type', 'resid'] },
  // FunctionFile comes before the ExtensionPoints.
  DesktopFormFactor: {
    children: [
      opt('SupportsSharedFolders', 'text'),
      opt('FunctionFile', 'ResourceRef'),
      many('ExtensionPoint', EXTENSION_POINT_TYPES, 1),
    ],
  },
  CommandSurface: { children: [one('OfficeTab', 'OfficeTab')] },
  OfficeTab: { attrs: ['id'], children: [many('Group', 'Group', 1)] },
  Group: {
    attrs: ['id'],
    children: [one('Label', 'ResourceRef'), many('Control', { xsiType: { Button: 'Button' } }, 1)],
  },
  Button: {
    attrs: ['id'],
    children: [
      one('Label', 'ResourceRef'),
      one('Supertip', 'Supertip'),
      one('Icon', 'Icon'),
      one('Action', { xsiType: { ShowTaskpane: 'ShowTaskpane', ExecuteFunction: 'ExecuteFunction' } }),
    ],
  },
  Supertip: { children: [one('Title', 'ResourceRef'), one('Description', 'ResourceRef')] },
  Icon: { children: [many('bt:Image', 'IconImage', 1)] },
  IconImage: { attrs: ['size', 'resid'] },
  ShowTaskpane: {
    children: [
      opt('TaskpaneId', 'text'),
      one('SourceLocation', 'ResourceRef'),
      opt('Title', 'ResourceRef'),
      opt('SupportsPinning', 'text'),
      opt('SupportsMultiSelect', 'text'),
      opt('SupportsNoItemContext', 'text'),
    ],
  },
  ExecuteFunction: { children: [one('FunctionName', 'text')] },
  LaunchEventPoint: { children: [one('LaunchEvents', 'LaunchEvents'), one('SourceLocation', 'ResourceRef')] },
  LaunchEvents: { children: [many('LaunchEvent', 'LaunchEvent', 1)] },
  LaunchEvent: { attrs: ['Type', 'FunctionName'] },
  ResourceRef: { attrs: ['resid'] },
  Resources: {
    children: [
      opt('bt:Images', 'BtImages'),
      opt('bt:Urls', 'BtUrls'),
      opt('bt:ShortStrings', 'BtShortStrings'),
      opt('bt:LongStrings', 'BtLongStrings'),
    ],
  },
  BtImages: { children: [many('bt:Image', 'BtResource', 1)] },
  BtUrls: { children: [many('bt:Url', 'BtResource', 1)] },
  BtShortStrings: { children: [many('bt:String', 'BtResource', 1)] },
  BtLongStrings: { children: [many('bt:String', 'BtResource', 1)] },
  BtResource: { attrs: ['id', 'DefaultValue'], children: [many('bt:Override', 'Override')] },
  text: { content: 'text' },
  any: { content: 'any' },
};

// ---------------------------------------------------------------------------------------------------------
// XML tree
// ---------------------------------------------------------------------------------------------------------
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  path: string;
  parent: XmlElement | undefined;
}

type OrderedNode = Record<string, unknown>;

function toElements(nodes: unknown, parent: XmlElement | undefined): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (name === undefined || name.startsWith('#') || name.startsWith('?')) continue;
    const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(rawAttrs)) attrs[key] = String(value);
    const label = `${name}${attrs['xsi:type'] ? `[${attrs['xsi:type']}]` : ''}${attrs.id ? `#${attrs.id}` : ''}`;
    const element: XmlElement = {
      name,
      attrs,
      children: [],
      text: '',
      path: parent ? `${parent.path}/${label}` : label,
      parent,
    };
    const content = node[name];
    element.children = toElements(content, element);
    if (Array.isArray(content)) {
      element.text = (content as OrderedNode[])
        .map((child) => child['#text'])
        .filter((text) => text !== undefined)
        .map(String)
        .join('')
        .trim();
    }
    out.push(element);
  }
  return out;
}

/** Parses with fast-xml-parser in preserveOrder mode, so element order survives. Throws on malformed XML. */
export function parseXml(xml: string): XmlElement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    commentPropName: '#comment',
  });
  const roots = toElements(parser.parse(xml), undefined);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) throw new Error('expected exactly one root element');
  return root;
}

function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* walk(child);
}

function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

function childNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return childrenNamed(element, name)[0];
}

// ---------------------------------------------------------------------------------------------------------
// Structure: required elements, order, counts, attributes
// ---------------------------------------------------------------------------------------------------------
function resolveType(ref: TypeRef, element: XmlElement, problems: Problem[]): string | undefined {
  if (typeof ref === 'string') return ref;
  const xsiType = element.attrs['xsi:type'];
  if (xsiType === undefined) {
    problems.push({
      rule: 'required-attribute',
      message: `<${element.name}> needs xsi:type (one of ${Object.keys(ref.xsiType).join(', ')})`,
      where: element.path,
    });
    return undefined;
  }
  const type = ref.xsiType[xsiType];
  if (type === undefined) {
    problems.push({
      rule: 'unexpected-element',
      message: `<${element.name} xsi:type="${xsiType}"> is not one of ${Object.keys(ref.xsiType).join(', ')} (types this validator does not know are refused)`,
      where: element.path,
    });
  }
  return type;
}

function checkSequence(
  element: XmlElement,
  particles: readonly Particle[],
  problems: Problem[],
): Map<XmlElement, TypeRef> {
  const typed = new Map<XmlElement, TypeRef>();
  const order = particles.map((particle) => particle.name).join(', ');
  // A required element that is present but misplaced is an order problem, not a missing one.
  const present = new Set(element.children.map((child) => child.name));
  let index = 0;
  let count = 0;
  const requireUpTo = (end: number): void => {
    for (let i = index; i < end; i++) {
      const particle = particles[i];
      const seen = i === index ? count : 0;
      if (particle && seen < particle.min && !present.has(particle.name)) {
        problems.push({
          rule: 'required-element',
          message: `<${element.name}> is missing required <${particle.name}>`,
          where: element.path,
        });
      }
    }
  };
  for (const child of element.children) {
    let found = -1;
    for (let i = index; i < particles.length; i++) {
      if (particles[i]?.name === child.name) {
        found = i;
        break;
      }
    }
    if (found === -1) {
      const earlier = particles.some((particle) => particle.name === child.name);
      problems.push(
        earlier
          ? {
              rule: 'element-order',
              message: `<${child.name}> is out of order in <${element.name}>; the order is: ${order}`,
              where: child.path,
            }
          : {
              rule: 'unexpected-element',
              message: `<${child.name}> is not allowed in <${element.name}> (allowed: ${order || 'nothing'})`,
              where: child.path,
            },
      );
      continue;
    }
    if (found !== index) {
      requireUpTo(found);
      index = found;
      count = 0;
    }
    count++;
    const particle = particles[found];
    if (particle === undefined) continue;
    if (count > particle.max) {
      problems.push({
        rule: 'element-count',
        message: `<${element.name}> may have at most ${particle.max} <${particle.name}>`,
        where: child.path,
      });
    }
    typed.set(child, particle.type);
  }
  requireUpTo(particles.length);
  return typed;
}

function checkElement(element: XmlElement, typeName: string, problems: Problem[]): void {
  const type = XML_SCHEMA[typeName];
  if (type === undefined) throw new Error(`XML_SCHEMA has no type ${typeName}`);
  for (const attr of type.attrs ?? []) {
    if ((element.attrs[attr] ?? '').trim() === '') {
      problems.push({
        rule: 'required-attribute',
        message: `<${element.name}> is missing required attribute ${attr}`,
        where: element.path,
      });
    }
  }
  if (type.content === 'any') return;
  if (type.content === 'text' && element.text === '') {
    problems.push({ rule: 'required-element', message: `<${element.name}> is empty`, where: element.path });
  }
  const typed = checkSequence(element, type.children ?? [], problems);
  for (const [child, ref] of typed) {
    const childType = resolveType(ref, child, problems);
    if (childType !== undefined) checkElement(child, childType, problems);
  }
}

function checkStructure(root: XmlElement, problems: Problem[]): void {
  if (root.name !== 'OfficeApp') {
    problems.push({
      rule: 'required-element',
      message: `the root element is <${root.name}>, not <OfficeApp>`,
    });
    return;
  }
  const rootType = resolveType({ xsiType: { MailApp: 'MailApp' } }, root, problems);
  if (rootType !== undefined) checkElement(root, rootType, problems);

  const expectNs = (element: XmlElement | undefined, attr: string, uri: string): void => {
    if (element && element.attrs[attr] !== uri) {
      problems.push({
        rule: 'namespace',
        message: `<${element.name}> must declare ${attr}="${uri}"`,
        where: element.path,
      });
    }
  };
  expectNs(root, 'xmlns', NS.app);
  expectNs(root, 'xmlns:bt', NS.bt);
  const outer = childNamed(root, 'VersionOverrides');
  expectNs(outer, 'xmlns', NS.vo10);
  expectNs(childNamed(outer, 'VersionOverrides'), 'xmlns', NS.vo11);
}

// ---------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------
type ResourceKind = 'bt:Images' | 'bt:Urls' | 'bt:ShortStrings' | 'bt:LongStrings';
const RESOURCE_KINDS: readonly ResourceKind[] = ['bt:Images', 'bt:Urls', 'bt:ShortStrings', 'bt:LongStrings'];

interface Resource {
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

function expectedKind(element: XmlElement): ResourceKind | undefined {
  const parent = element.parent?.name;
  if (element.name === 'bt:Image' && parent === 'Icon') return 'bt:Images';
  if (element.name === 'Label' || element.name === 'Title') return 'bt:ShortStrings';
  if (element.name === 'Description' && parent === 'Supertip') return 'bt:LongStrings';
  if (['SourceLocation', 'FunctionFile', 'Runtime'].includes(element.name)) return 'bt:Urls';
  if (element.name === 'Override' && parent === 'Runtime') return 'bt:Urls';
  return undefined;
}

function resolveResid(element: XmlElement): Resource | undefined {
  const resid = element.attrs.resid;
  const versionOverrides = nearestVersionOverrides(element);
  if (resid === undefined || versionOverrides === undefined) return undefined;
  const resource = resourcesOf(versionOverrides).get(resid);
  const kind = expectedKind(element);
  return resource && (kind === undefined || resource.kind === kind) ? resource : undefined;
}

function checkResources(root: XmlElement, problems: Problem[]): void {
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
          if (id.length > LIMITS.resourceId) {
            problems.push({
              rule: 'resource-id',
              message: `resource id "${id}" is ${id.length} characters; the limit is ${LIMITS.resourceId}`,
              where: resource.path,
            });
          }
        }
      }
    }
    if (element.attrs.resid === undefined) continue;
    if (resolveResid(element) !== undefined) continue;
    const kind = expectedKind(element);
    const versionOverrides = nearestVersionOverrides(element);
    const other = versionOverrides ? resourcesOf(versionOverrides).get(element.attrs.resid) : undefined;
    problems.push({
      rule: 'resid',
      message: other
        ? `resid "${element.attrs.resid}" is a ${other.kind} resource, but <${element.name}> needs ${kind ?? 'another kind'}`
        : `resid "${element.attrs.resid}" does not resolve to a resource in its VersionOverrides${kind ? ` (${kind})` : ''}`,
      where: element.path,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Strings and locales
// ---------------------------------------------------------------------------------------------------------
function stringLimit(element: XmlElement): number | undefined {
  if (element.name === 'DisplayName' && element.parent?.parent === undefined) return LIMITS.shortString;
  if (element.name === 'Description' && element.parent?.parent === undefined) return LIMITS.longString;
  if (element.name === 'bt:String' && element.parent?.name === 'bt:ShortStrings') return LIMITS.shortString;
  if (element.name === 'bt:String' && element.parent?.name === 'bt:LongStrings') return LIMITS.longString;
  return undefined;
}

function localisedStrings(root: XmlElement): XmlElement[] {
  return [...walk(root)].filter((element) => stringLimit(element) !== undefined);
}

function nlOverride(element: XmlElement): string | undefined {
  return element.children.find(
    (child) => child.name.endsWith('Override') && child.attrs.Locale === OVERRIDE_LOCALE,
  )?.attrs.Value;
}

function checkStrings(root: XmlElement, problems: Problem[]): void {
  const defaultLocale = childNamed(root, 'DefaultLocale')?.text;
  if (defaultLocale !== undefined && defaultLocale !== DEFAULT_LOCALE) {
    problems.push({
      rule: 'locale',
      message: `DefaultLocale is ${defaultLocale}, expected ${DEFAULT_LOCALE}`,
    });
  }
  for (const element of walk(root)) {
    const isLocaleOverride =
      (element.name === 'Override' || element.name === 'bt:Override') && element.parent?.name !== 'Runtime';
    if (isLocaleOverride && element.attrs.Locale !== OVERRIDE_LOCALE) {
      problems.push({
        rule: 'locale',
        message: `override for locale "${element.attrs.Locale ?? ''}"; only ${OVERRIDE_LOCALE} is translated`,
        where: element.path,
      });
    }
  }
  for (const element of localisedStrings(root)) {
    const limit = stringLimit(element) ?? 0;
    const values: [string, string | undefined][] = [
      [DEFAULT_LOCALE, element.attrs.DefaultValue],
      [OVERRIDE_LOCALE, nlOverride(element)],
    ];
    for (const [locale, value] of values) {
      if (value === undefined || value.trim() === '') {
        problems.push({
          rule: 'locale',
          message: `<${element.name}> has no ${locale} text${locale === OVERRIDE_LOCALE ? ' (add an Override)' : ''}`,
          where: element.path,
        });
      } else if (value.length > limit) {
        problems.push({
          rule: 'string-length',
          message: `${locale} text of <${element.name}> is ${value.length} characters; the limit is ${limit}`,
          where: element.path,
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// URLs, dist files and icons
// ---------------------------------------------------------------------------------------------------------
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

interface UrlContext {
  base: string;
  distDir: string;
  /** The Office SSO settings the build was given (null: none). */
  sso: SsoSettings | null;
}

/** The dist-relative path a URL under the base refers to, or a problem. */
function checkUrl(value: string, where: string, ctx: UrlContext, problems: Problem[]): string | undefined {
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

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

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

async function checkDistFile(
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

async function checkXmlUrls(root: XmlElement, ctx: UrlContext, problems: Problem[]): Promise<void> {
  for (const element of walk(root)) {
    const values: string[] = [];
    for (const [attr, value] of Object.entries(element.attrs)) {
      if (attr === 'xmlns' || attr.startsWith('xmlns:')) continue;
      if (URL_LIKE.test(value)) values.push(value);
    }
    // The SSO Resource is an api:// identifier, not a URL the add-in loads (checkXmlSso judges it).
    const ssoResource = element.name === 'Resource' && element.parent?.name === 'WebApplicationInfo';
    if (URL_LIKE.test(element.text) && !ssoResource) values.push(element.text);
    for (const value of values) {
      if (value.length > LIMITS.url) {
        problems.push({
          rule: 'string-length',
          message: `URL is ${value.length} characters; the limit is ${LIMITS.url}`,
          where: element.path,
        });
      }
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
    // Resources and URL settings must actually hold URLs.
    const isUrlSetting =
      element.name === 'bt:Url' ||
      element.name === 'bt:Image' ||
      (['IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'SourceLocation'].includes(element.name) &&
        element.attrs.DefaultValue !== undefined);
    const defaultValue = element.attrs.DefaultValue;
    if (isUrlSetting && defaultValue !== undefined && !URL_LIKE.test(defaultValue)) {
      problems.push({
        rule: 'url-https',
        message: `"${defaultValue}" is not an absolute URL`,
        where: element.path,
      });
    }
  }
}

async function urlToDistPng(url: string | undefined, ctx: UrlContext): Promise<string | undefined> {
  if (url === undefined) return undefined;
  const rel = checkUrl(url, '', ctx, []);
  if (rel === undefined) return undefined;
  const path = join(ctx.distDir, rel);
  return (await fileExists(path)) ? path : undefined;
}

async function checkXmlIcons(root: XmlElement, ctx: UrlContext, problems: Problem[]): Promise<void> {
  const topIcons: [string, number][] = [
    ['IconUrl', 64],
    ['HighResolutionIconUrl', 128],
  ];
  for (const [name, size] of topIcons) {
    const element = childNamed(root, name);
    if (!element) {
      problems.push({
        rule: 'icon',
        message: `<${name}> (a ${size}×${size} PNG) is missing`,
        where: root.path,
      });
      continue;
    }
    const path = await urlToDistPng(element.attrs.DefaultValue, ctx);
    if (path !== undefined) await checkPng(path, size, element.path, problems);
  }
  for (const icon of [...walk(root)].filter((element) => element.name === 'Icon')) {
    const sizes = icon.children.map((image) => image.attrs.size);
    for (const required of ['16', '32', '80']) {
      if (!sizes.includes(required)) {
        problems.push({ rule: 'icon', message: `<Icon> has no ${required} px bt:Image`, where: icon.path });
      }
    }
    for (const image of icon.children) {
      const resource = resolveResid(image);
      if (!resource) continue; // reported by the resid rule
      const path = await urlToDistPng(resource.element.attrs.DefaultValue, ctx);
      if (path !== undefined) await checkPng(path, Number(image.attrs.size), image.path, problems);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Office SSO (WebApplicationInfo): its place and Scopes are in XML_SCHEMA; the values are checked here.
// ---------------------------------------------------------------------------------------------------------
function hostOf(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).host;
  } catch {
    return undefined;
  }
}

function checkXmlSso(root: XmlElement, ctx: UrlContext, problems: Problem[]): void {
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
  if (id !== '' && !GUID.test(id)) {
    problems.push({ rule: 'sso', message: `WebApplicationInfo Id "${id}" is not a GUID`, where });
  }
  if (resource.length > LIMITS.longString) {
    problems.push({
      rule: 'string-length',
      message: `WebApplicationInfo Resource is ${resource.length} characters; the limit is ${LIMITS.longString}`,
      where,
    });
  }
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

// ---------------------------------------------------------------------------------------------------------
// Smart Alerts and requirements
// ---------------------------------------------------------------------------------------------------------
function innerVersionOverrides(root: XmlElement): XmlElement | undefined {
  return childNamed(childNamed(root, 'VersionOverrides'), 'VersionOverrides');
}

function checkEventsAndRequirements(root: XmlElement, problems: Problem[]): void {
  const topSets = childNamed(childNamed(root, 'Requirements'), 'Sets');
  const topMailbox = childrenNamed(topSets, 'Set').find((set) => set.attrs.Name === 'Mailbox');
  const topVersion = topMailbox?.attrs.MinVersion ?? topSets?.attrs.DefaultMinVersion;
  if (topVersion !== TOP_MAILBOX_VERSION) {
    problems.push({
      rule: 'requirements',
      message: `the OfficeApp Mailbox requirement is ${topVersion ?? 'missing'}, expected ${TOP_MAILBOX_VERSION}`,
    });
  }
  const inner = innerVersionOverrides(root);
  const innerSets = childNamed(childNamed(inner, 'Requirements'), 'bt:Sets');
  const innerMailbox = childrenNamed(innerSets, 'bt:Set').find((set) => set.attrs.Name === 'Mailbox');
  const innerVersion = innerMailbox?.attrs.MinVersion ?? innerSets?.attrs.DefaultMinVersion;
  if (!innerMailbox || innerVersion !== INNER_MAILBOX_VERSION) {
    problems.push({
      rule: 'requirements',
      message: `the VersionOverrides 1.1 Mailbox requirement is ${innerMailbox ? (innerVersion ?? 'unversioned') : 'missing'}, expected ${INNER_MAILBOX_VERSION}`,
      ...(inner ? { where: inner.path } : {}),
    });
  }

  const events = [...walk(root)].filter((element) => element.name === 'LaunchEvent');
  const sends = events.filter((event) => event.attrs.Type === 'OnMessageSend');
  if (sends.length !== 1) {
    problems.push({
      rule: 'launch-event',
      message: `there must be exactly one OnMessageSend LaunchEvent; found ${sends.length}`,
    });
  }
  const types = new Set<string>();
  for (const event of events) {
    const type = event.attrs.Type ?? '';
    if (types.has(type) && type !== 'OnMessageSend') {
      problems.push({
        rule: 'launch-event',
        message: `LaunchEvent ${type} is declared twice`,
        where: event.path,
      });
    }
    types.add(type);
    const sendMode = event.attrs.SendMode;
    if (sendMode === undefined) continue;
    if (!SEND_MODES.includes(sendMode)) {
      problems.push({
        rule: 'send-mode',
        message: `SendMode "${sendMode}" is not one of ${SEND_MODES.join(', ')}`,
        where: event.path,
      });
    } else if (type !== 'OnMessageSend' && type !== 'OnAppointmentSend') {
      problems.push({
        rule: 'send-mode',
        message: `SendMode only applies to send events, not ${type}`,
        where: event.path,
      });
    }
  }

  for (const host of [...walk(root)].filter(
    (element) => element.name === 'Host' && element.attrs['xsi:type'],
  )) {
    const runtimes = childrenNamed(childNamed(host, 'Runtimes'), 'Runtime');
    const runtimeResids = runtimes.map((runtime) => runtime.attrs.resid);
    const points = childrenNamed(childNamed(host, 'DesktopFormFactor'), 'ExtensionPoint').filter(
      (point) => point.attrs['xsi:type'] === 'LaunchEvent',
    );
    for (const point of points) {
      const resid = childNamed(point, 'SourceLocation')?.attrs.resid;
      if (resid === undefined || !runtimeResids.includes(resid)) {
        problems.push({
          rule: 'runtime',
          message: `the LaunchEvent SourceLocation resid "${resid ?? ''}" must equal a Runtime resid (${runtimeResids.join(', ') || 'none declared'})`,
          where: point.path,
        });
      }
    }
    if (points.length > 0) {
      for (const runtime of runtimes) {
        const jsOverride = childrenNamed(runtime, 'Override').some(
          (override) => override.attrs.type === 'javascript',
        );
        if (!jsOverride) {
          problems.push({
            rule: 'runtime',
            message:
              'the Runtime has no <Override type="javascript">, so classic Outlook on Windows cannot run the handlers',
            where: runtime.path,
          });
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// FunctionName association: run the bundle against a stub Office and record Office.actions.associate.
// ---------------------------------------------------------------------------------------------------------
export async function associatedFunctions(bundlePath: string): Promise<Set<string>> {
  const code = await readFile(bundlePath, 'utf8');
  const associated = new Set<string>();
  const office = {
    actions: {
      associate(name: unknown, fn: unknown): void {
        if (typeof name === 'string' && typeof fn === 'function') associated.add(name);
      },
    },
    MailboxEnums: {},
    CoercionType: {},
    context: {},
  };
  const noop = (): void => undefined;
  const sandbox = createContext({
    Office: office,
    console: { log: noop, info: noop, warn: noop, error: noop, debug: noop },
  });
  new Script(code, { filename: bundlePath }).runInContext(sandbox, { timeout: 5000 });
  return associated;
}

async function checkAssociations(
  names: { name: string; where: string }[],
  distDir: string,
  problems: Problem[],
): Promise<void> {
  if (names.length === 0) return;
  const bundle = join(distDir, 'launchevent.js');
  let associated: Set<string>;
  try {
    associated = await associatedFunctions(bundle);
  } catch (error) {
    problems.push({
      rule: 'function-association',
      message: `could not load ${bundle} to check Office.actions.associate: ${errorMessage(error)}`,
    });
    return;
  }
  const reported = new Set<string>();
  for (const { name, where } of names) {
    if (associated.has(name) || reported.has(`${name}@${where}`)) continue;
    reported.add(`${name}@${where}`);
    problems.push({
      rule: 'function-association',
      message: `${name} is not associated with a function in launchevent.js (Office.actions.associate); under SoftBlock users could not send`,
      where,
    });
  }
}

function xmlFunctionNames(root: XmlElement): { name: string; where: string }[] {
  const names: { name: string; where: string }[] = [];
  for (const element of walk(root)) {
    if (element.name === 'LaunchEvent' && element.attrs.FunctionName) {
      names.push({ name: element.attrs.FunctionName, where: `manifest.xml ${element.path}` });
    }
    if (element.name === 'FunctionName' && element.text) {
      names.push({ name: element.text, where: `manifest.xml ${element.path}` });
    }
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------
// Unified manifest (JSON)
// ---------------------------------------------------------------------------------------------------------
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
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

function* walkJson(value: Json, path: string): Generator<[string, Json]> {
  yield [path, value];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* walkJson(item, `${path}[${index}]`);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* walkJson(item, path ? `${path}.${key}` : key);
  }
}

function jsonAt(document: Json, path: string): Json | undefined {
  let node: Json | undefined = document;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else return undefined;
  }
  return node;
}

interface JsonControl {
  path: string;
  control: Record<string, Json>;
}

function ribbonControls(manifest: Record<string, Json>): { groups: JsonControl[]; controls: JsonControl[] } {
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
function localizablePaths(manifest: Record<string, Json>): string[] {
  const paths = ['name.short', 'description.short', 'description.full'];
  const { groups, controls } = ribbonControls(manifest);
  for (const { path } of groups) paths.push(`${path}.label`);
  for (const { path, control } of controls) {
    paths.push(`${path}.label`);
    if (isObject(control.supertip)) paths.push(`${path}.supertip.title`, `${path}.supertip.description`);
  }
  return paths.filter((path) => typeof jsonAt(manifest, path) === 'string');
}

interface UnifiedResult {
  manifest: Record<string, Json>;
  nl: Record<string, Json> | undefined;
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

async function checkUnified(ctx: UrlContext, problems: Problem[]): Promise<UnifiedResult | undefined> {
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

  // Package icons are paths relative to manifest.json.
  const icons = isObject(manifest.icons) ? manifest.icons : {};
  const packageIcons: [string, number][] = [
    ['color', 192],
    ['outline', 32],
  ];
  for (const [key, size] of packageIcons) {
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
      const png = await urlToDistPng(str(icon.url), ctx);
      if (png) await checkPng(png, icon.size, `manifest.json ${path}[${index}]`, problems);
    }
  }

  // Actions: every actionId names an action; function actions must be associated by the bundle.
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
  const functionNames: { name: string; where: string }[] = [];
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

  // Localization: every additional language file exists and matches the bundled localization schema.
  const localization = isObject(manifest.localizationInfo) ? manifest.localizationInfo : {};
  let nl: Record<string, Json> | undefined;
  const languages = asArray(localization.additionalLanguages).filter(isObject);
  if (
    !languages.some((language) => str(language.languageTag)?.toLowerCase() === OVERRIDE_LOCALE.toLowerCase())
  ) {
    problems.push({
      rule: 'locale',
      message: `localizationInfo.additionalLanguages has no ${OVERRIDE_LOCALE} file`,
      where: 'manifest.json localizationInfo',
    });
  }
  for (const language of languages) {
    const rel = str(language.file) ?? '';
    const tag = str(language.languageTag) ?? '';
    const where = `manifest.json localizationInfo (${tag})`;
    const path = await checkDistFile(rel, where, ctx, problems);
    if (!path) continue;
    const strings = await readJsonFile(path, problems);
    if (!strings) continue;
    await checkAgainstSchema(strings, rel, problems, true);
    if (tag.toLowerCase() === OVERRIDE_LOCALE.toLowerCase()) nl = strings;
    const translatable = localizablePaths(manifest);
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
  return { manifest, nl };
}

// ---------------------------------------------------------------------------------------------------------
// XML ↔ JSON consistency: the same add-in, ids, events and strings.
// ---------------------------------------------------------------------------------------------------------
function resourceText(element: XmlElement | undefined, locale: 'default' | 'nl'): string | undefined {
  if (!element) return undefined;
  const resource = resolveResid(element);
  if (!resource) return undefined;
  return locale === 'default' ? resource.element.attrs.DefaultValue : nlOverride(resource.element);
}

function checkConsistency(root: XmlElement, unified: UnifiedResult, problems: Problem[]): void {
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
    mismatch('the nl-NL name', displayName && nlOverride(displayName), nl['name.short']);
    mismatch('the nl-NL description', description && nlOverride(description), nl['description.full']);
  }

  // Mailbox requirement.
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

  // Groups and controls, with their strings.
  const xmlGroups = [...walk(root)].filter((element) => element.name === 'Group');
  const xmlControls = [...walk(root)].filter((element) => element.name === 'Control');
  const { groups, controls } = ribbonControls(manifest);
  mismatch(
    'the group ids',
    xmlGroups
      .map((group) => group.attrs.id)
      .sort()
      .join(', '),
    groups
      .map(({ control }) => str(control.id))
      .sort()
      .join(', '),
  );
  mismatch(
    'the control ids',
    xmlControls
      .map((control) => control.attrs.id)
      .sort()
      .join(', '),
    controls
      .map(({ control }) => str(control.id))
      .sort()
      .join(', '),
  );
  const compareStrings = (label: string, element: XmlElement | undefined, path: string): void => {
    mismatch(`${label} (en)`, resourceText(element, 'default'), jsonAt(manifest, path));
    if (nl) mismatch(`${label} (nl-NL)`, resourceText(element, 'nl'), nl[path]);
  };
  for (const { path, control } of groups) {
    const group = xmlGroups.find((element) => element.attrs.id === control.id);
    if (group)
      compareStrings(
        `the label of group ${group.attrs.id ?? ''}`,
        childNamed(group, 'Label'),
        `${path}.label`,
      );
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

  // Events, functions and send modes.
  const xmlEvents = [...walk(root)]
    .filter((element) => element.name === 'LaunchEvent')
    .map((event) => {
      const mode = event.attrs.SendMode;
      const type = event.attrs.Type ?? '';
      return `${EVENT_TYPES[type] ?? type}→${event.attrs.FunctionName ?? ''}${mode ? ` (${mode[0]?.toLowerCase() ?? ''}${mode.slice(1)})` : ''}`;
    })
    .sort();
  const jsonEvents: string[] = [];
  for (const [path, value] of walkJson(manifest, '')) {
    if (!/\.events\[\d+\]$/.test(path) || !isObject(value)) continue;
    const mode = isObject(value.options) ? str(value.options.sendMode) : undefined;
    jsonEvents.push(`${str(value.type) ?? ''}→${str(value.actionId) ?? ''}${mode ? ` (${mode})` : ''}`);
  }
  mismatch('the launch events', xmlEvents.join(', '), jsonEvents.sort().join(', '));

  // Runtime code and task pane URLs.
  const runtime = [...walk(root)].find((element) => element.name === 'Runtime');
  const runtimeUrl = runtime && resolveResid(runtime)?.element.attrs.DefaultValue;
  const jsOverride = childrenNamed(runtime, 'Override').find(
    (override) => override.attrs.type === 'javascript',
  );
  const scriptUrl = jsOverride && resolveResid(jsOverride)?.element.attrs.DefaultValue;
  const eventRuntime = asArray(jsonAt(manifest, 'extensions[0].runtimes') ?? null)
    .filter(isObject)
    .find((item) =>
      asArray(item.actions).some((action) => isObject(action) && action.type === 'executeFunction'),
    );
  const code = eventRuntime && isObject(eventRuntime.code) ? eventRuntime.code : {};
  mismatch('the event runtime page', runtimeUrl, str(code.page));
  mismatch('the event runtime script', scriptUrl, str(code.script));

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

// ---------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------
function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

async function checkXml(ctx: UrlContext, problems: Problem[]): Promise<XmlElement | undefined> {
  const file = join(ctx.distDir, 'manifest.xml');
  if (!(await fileExists(file))) {
    problems.push({ rule: 'dist-file', message: `${file} does not exist (run the build first)` });
    return undefined;
  }
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
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(info.id ?? '')) {
      problems.push({ rule: 'manifest-info', message: `Id ${info.id ?? '(missing)'} is not a GUID` });
    }
    if (!/^\d{1,5}(\.\d{1,5}){0,3}$/.test(info.version ?? '')) {
      problems.push({
        rule: 'manifest-info',
        message: `Version ${info.version ?? '(missing)'} is not n.n.n.n`,
      });
    }
    if (!['Restricted', 'ReadItem', 'ReadWriteItem', 'ReadWriteMailbox'].includes(info.permissions ?? '')) {
      problems.push({
        rule: 'manifest-info',
        message: `Permissions ${info.permissions ?? '(missing)'} is not a mail permission`,
      });
    }
  } catch (error) {
    problems.push({
      rule: 'parse',
      message: `office-addin-manifest cannot read ${file}: ${errorMessage(error)}`,
    });
    return undefined;
  }
  let root: XmlElement;
  try {
    root = parseXml(await readFile(file, 'utf8'));
  } catch (error) {
    problems.push({ rule: 'parse', message: `${file}: ${errorMessage(error)}` });
    return undefined;
  }
  checkStructure(root, problems);
  checkResources(root, problems);
  checkStrings(root, problems);
  await checkXmlUrls(root, ctx, problems);
  await checkXmlIcons(root, ctx, problems);
  checkXmlSso(root, ctx, problems);
  checkEventsAndRequirements(root, problems);
  await checkAssociations(xmlFunctionNames(root), ctx.distDir, problems);
  return root;
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
  const root = await checkXml(ctx, problems);
  const unified = await checkUnified(ctx, problems);
  if (root && unified) checkConsistency(root, unified, problems);
  return problems;
}

export function formatProblem(problem: Problem): string {
  return `[${problem.rule}] ${problem.message}${problem.where ? `  (at ${problem.where})` : ''}`;
}

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
