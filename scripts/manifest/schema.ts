import type { AttrSpec, ElementType, Report, ResourceKind, RootSpec, Translated } from './schema-types';
import { many, one, opt } from './schema-types';
import { DEFAULT_LOCALE, TRANSLATED_LOCALE } from './strings';

/**
 * The part of Microsoft's XML manifest schema this add-in uses, as data; structure.ts interprets it.
 *
 * Microsoft's XSDs that know VersionOverrides 1.1 with LaunchEvent and Runtimes ship in no npm package, and
 * `office-addin-manifest validate` posts the XML to an online service, so the schema is written down here
 * from its published description, [MS-OWEMXML] (Office Web Extensibility Manifest Format):
 *   §5.2 appforoffice 1.1 (OfficeApp, MailApp), §5.4 mailappversionoverrides 1.0,
 *   §5.5 mailappversionoverrides 1.1 (Runtimes, LaunchEvent, WebApplicationInfo),
 *   §5.6 officeappbasictypes (bt:*, string types).
 * Rules from the Outlook docs rather than the XSD say so where they appear (docs: learn.microsoft.com).
 * Types not listed (CustomTab, Menu, MobileFormFactor internals, …) are refused rather than guessed at:
 * extend the table when the manifest starts using them. No functions here: only data. The file is longer
 * than the ~400-line guideline because it is one table; split up, the schema would be harder to read.
 */

/** [MS-OWEMXML] §5.6: bt:ShortString 1-125, bt:LongString 1-250, ShortResourceId ≤ 32, URL ≤ 2048. */
export const LIMITS = { shortString: 125, longString: 250, resourceId: 32, url: 2048 } as const;

export const NS = {
  app: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  vo10: 'http://schemas.microsoft.com/office/mailappversionoverrides',
  vo11: 'http://schemas.microsoft.com/office/mailappversionoverrides/1.1',
} as const;

/** [MS-OWEMXML] §2.3.67 LaunchEventSendMode. */
export const SEND_MODES = ['PromptUser', 'SoftBlock', 'Block'] as const;

/**
 * The events SendMode applies to (docs, manifest/launchevent: "Used by the OnMessageSend and
 * OnAppointmentSend events").
 */
export const SEND_EVENTS = ['OnMessageSend', 'OnAppointmentSend'] as const;

/**
 * XML LaunchEvent Type → unified manifest autoRunEvents type. [MS-OWEMXML] types Type as a bare
 * bt:ShortString; the names are docs, develop/event-based-activation#supported-events. Only the events the
 * Smart Alerts notes list are known: any other Type is refused, like an unknown xsi:type.
 */
export const EVENT_TYPES: Readonly<Record<string, string>> = {
  OnMessageSend: 'messageSending',
  OnAppointmentSend: 'appointmentSending',
  OnMessageRecipientsChanged: 'messageRecipientsChanged',
  OnMessageAttachmentsChanged: 'messageAttachmentsChanged',
  OnSensitivityLabelChanged: 'sensitivityLabelChanged',
};

/**
 * Command surfaces ([MS-OWEMXML] §5.5: MessageComposeCommandSurface, MessageReadCommandSurface and the two
 * appointment ones extend CommandSurfaceExtensionPoint, the OfficeTabs of a compose or read form) → the
 * unified manifest's ribbon `contexts` (docs, unified manifest extensions.ribbons.contexts).
 */
export const COMMAND_SURFACES: Readonly<Record<string, string>> = {
  MessageComposeCommandSurface: 'mailCompose',
  MessageReadCommandSurface: 'mailRead',
  AppointmentOrganizerCommandSurface: 'meetingDetailsOrganizer',
  AppointmentAttendeeCommandSurface: 'meetingDetailsAttendee',
};

/** [MS-OWEMXML] Resources: the four collections, in schema order. */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'bt:Images',
  'bt:Urls',
  'bt:ShortStrings',
  'bt:LongStrings',
];

// ---------------------------------------------------------------------------------------------------------
// Shared facets
// ---------------------------------------------------------------------------------------------------------
const REQUIRED: AttrSpec = { required: true };
const NAMESPACE: Report = { rule: 'namespace', message: '<{element}> must declare {attr}="{expected}"' };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** URL-typed values: absolute, and at most 2048 characters. Whether they lie under the base is urls.ts's. */
const URL_VALUE: AttrSpec = {
  required: true,
  pattern: {
    regex: /^[a-z][a-z0-9+.-]*:\/\//i,
    rule: 'url-https',
    message: '"{value}" is not an absolute URL',
  },
  maxLength: {
    limit: LIMITS.url,
    rule: 'string-length',
    message: 'URL is {length} characters; the limit is {limit}',
  },
};

const RESOURCE_ID: AttrSpec = {
  required: true,
  maxLength: {
    limit: LIMITS.resourceId,
    rule: 'resource-id',
    message: 'resource id "{value}" is {length} characters; the limit is {limit}',
  },
};

/** TLS Gate translates every user-visible string, and into nl-NL only (policy, not schema). */
const OVERRIDE_LOCALE: AttrSpec = {
  required: true,
  oneOf: {
    values: [TRANSLATED_LOCALE],
    rule: 'locale',
    message: 'override for locale "{value}"; only {values} is translated',
  },
};

const SHORT_TEXT: Translated = {
  limit: LIMITS.shortString,
  defaultLocale: DEFAULT_LOCALE,
  translations: [TRANSLATED_LOCALE],
};
const LONG_TEXT: Translated = { ...SHORT_TEXT, limit: LIMITS.longString };

const RULE_TYPES = {
  xsiType: {
    RuleCollection: 'RuleCollection',
    ItemIs: 'ItemIs',
    ItemHasAttachment: 'empty',
    ItemHasKnownEntity: 'ItemHasKnownEntity',
    ItemHasRegularExpressionMatch: 'ItemHasRegularExpressionMatch',
  },
};
// §5.5 CommandSurfaceExtensionPoint: the four surfaces share one content model (OfficeTabs of Groups; this
// table knows no CustomTab). TLS Gate has a button on the compose form and one on the read form.
const EXTENSION_POINT_TYPES = {
  xsiType: {
    MessageComposeCommandSurface: 'CommandSurface',
    MessageReadCommandSurface: 'CommandSurface',
    AppointmentOrganizerCommandSurface: 'CommandSurface',
    AppointmentAttendeeCommandSurface: 'CommandSurface',
    LaunchEvent: 'LaunchEventPoint',
  },
};

export const ROOT: RootSpec = { name: 'OfficeApp', type: { xsiType: { MailApp: 'MailApp' } } };

// ---------------------------------------------------------------------------------------------------------
// Element types. Each lists its attributes with their facets and its children in schema order with
// min/max occurrences; children typed by xsi:type pick their type from `xsiType`.
// ---------------------------------------------------------------------------------------------------------
export const XML_SCHEMA: Readonly<Record<string, ElementType>> = {
  // §5.2 OfficeApp xsi:type="MailApp": the OfficeApp base sequence followed by MailApp's own elements.
  MailApp: {
    attrs: {
      xmlns: { fixed: { value: NS.app, ...NAMESPACE } },
      'xmlns:bt': { fixed: { value: NS.bt, ...NAMESPACE } },
    },
    children: [
      one('Id', 'AddinId'),
      opt('AlternateId', 'text'),
      one('Version', 'Version'),
      one('ProviderName', 'text'),
      one('DefaultLocale', 'DefaultLocale'),
      one('DisplayName', 'ShortText'),
      one('Description', 'LongText'),
      opt('IconUrl', 'UrlSetting'),
      opt('HighResolutionIconUrl', 'UrlSetting'),
      opt('SupportUrl', 'UrlSetting'),
      opt('AppDomains', 'AppDomains'),
      opt('Hosts', 'Hosts'),
      opt('Requirements', 'Requirements'),
      one('FormSettings', 'FormSettings'),
      one('Permissions', 'Permissions'),
      one('Rule', RULE_TYPES),
      opt('DisableEntityHighlighting', 'text'),
      opt('VersionOverrides', { xsiType: { VersionOverridesV1_0: 'VersionOverridesV1_0' } }),
    ],
  },
  // §5.2 Id is a GUID, Version n[.n[.n[.n]]], Permissions one of the mail permissions. The rule name is
  // the one office-addin-manifest's reading used to report them under.
  AddinId: {
    content: 'text',
    text: { pattern: { regex: GUID, rule: 'manifest-info', message: 'Id {value} is not a GUID' } },
  },
  Version: {
    content: 'text',
    text: {
      pattern: {
        regex: /^\d{1,5}(\.\d{1,5}){0,3}$/,
        rule: 'manifest-info',
        message: 'Version {value} is not n.n.n.n',
      },
    },
  },
  Permissions: {
    content: 'text',
    text: {
      oneOf: {
        values: ['Restricted', 'ReadItem', 'ReadWriteItem', 'ReadWriteMailbox'],
        rule: 'manifest-info',
        message: 'Permissions {value} is not a mail permission',
      },
    },
  },
  DefaultLocale: {
    content: 'text',
    text: {
      oneOf: {
        values: [DEFAULT_LOCALE],
        rule: 'locale',
        message: 'DefaultLocale is {value}, expected {values}',
      },
    },
  },
  // §5.2 ShortLocaleAwareSetting / LongLocaleAwareSetting / LocaleAwareSetting (URLs).
  ShortText: {
    attrs: { DefaultValue: REQUIRED },
    children: [many('Override', 'Override')],
    translated: SHORT_TEXT,
  },
  LongText: {
    attrs: { DefaultValue: REQUIRED },
    children: [many('Override', 'Override')],
    translated: LONG_TEXT,
  },
  UrlSetting: { attrs: { DefaultValue: URL_VALUE }, children: [many('Override', 'UrlOverride')] },
  Override: { attrs: { Locale: OVERRIDE_LOCALE, Value: REQUIRED } },
  UrlOverride: { attrs: { Locale: OVERRIDE_LOCALE, Value: URL_VALUE } },
  AppDomains: { children: [many('AppDomain', 'AppDomain')] },
  AppDomain: {
    content: 'text',
    text: {
      maxLength: {
        limit: LIMITS.url,
        rule: 'string-length',
        message: 'URL is {length} characters; the limit is {limit}',
      },
    },
  },
  Hosts: { children: [many('Host', 'HostName', 1)] },
  HostName: { attrs: { Name: REQUIRED } },
  Requirements: { children: [opt('Sets', 'Sets'), opt('Methods', 'Methods')] },
  Sets: { children: [many('Set', 'Set', 1)] },
  Set: { attrs: { Name: REQUIRED } },
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
  ReadSettings: { children: [one('SourceLocation', 'UrlSetting'), one('RequestedHeight', 'text')] },
  EditSettings: { children: [one('SourceLocation', 'UrlSetting')] },
  RuleCollection: { attrs: { Mode: REQUIRED }, children: [many('Rule', RULE_TYPES, 1)] },
  ItemIs: { attrs: { ItemType: REQUIRED } },
  ItemHasKnownEntity: { attrs: { EntityType: REQUIRED } },
  ItemHasRegularExpressionMatch: {
    attrs: { RegExName: REQUIRED, RegExValue: REQUIRED, PropertyName: REQUIRED },
  },
  empty: {},
  // §5.4. Event-based samples put nothing but the 1.1 element inside 1.0, so Hosts is optional here.
  VersionOverridesV1_0: {
    attrs: { xmlns: { fixed: { value: NS.vo10, ...NAMESPACE } } },
    children: [
      opt('Description', 'ResourceRef'),
      opt('Requirements', 'VersionOverridesRequirements'),
      opt('Hosts', 'HostsV1_0'),
      opt('Resources', 'Resources'),
      opt('VersionOverrides', { xsiType: { VersionOverridesV1_1: 'VersionOverridesV1_1' } }),
    ],
  },
  // §5.5.
  VersionOverridesV1_1: {
    attrs: { xmlns: { fixed: { value: NS.vo11, ...NAMESPACE } } },
    children: [
      opt('Description', 'ResourceRef'),
      opt('Requirements', 'VersionOverridesRequirements'),
      one('Hosts', 'HostsV1_1'),
      opt('Resources', 'Resources'),
      opt('WebApplicationInfo', 'WebApplicationInfo'),
      opt('ExtendedPermissions', 'any'),
    ],
  },
  // §2.2.197: Office SSO's application, its Application ID URI (a bt:LongString) and the scopes it asks for.
  WebApplicationInfo: {
    children: [one('Id', 'SsoId'), one('Resource', 'SsoResource'), one('Scopes', 'WebApplicationScopes')],
  },
  SsoId: {
    content: 'text',
    text: { pattern: { regex: GUID, rule: 'sso', message: 'WebApplicationInfo Id "{value}" is not a GUID' } },
  },
  SsoResource: {
    content: 'text',
    text: {
      maxLength: {
        limit: LIMITS.longString,
        rule: 'string-length',
        message: 'WebApplicationInfo Resource is {length} characters; the limit is {limit}',
      },
    },
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
  Runtime: { attrs: { resid: REQUIRED }, children: [many('Override', 'RuntimeOverride')], resid: 'bt:Urls' },
  RuntimeOverride: { attrs: { type: REQUIRED, resid: REQUIRED }, resid: 'bt:Urls' },
  // FunctionFile comes before the ExtensionPoints.
  DesktopFormFactor: {
    children: [
      opt('SupportsSharedFolders', 'text'),
      opt('FunctionFile', 'UrlRef'),
      many('ExtensionPoint', EXTENSION_POINT_TYPES, 1),
    ],
  },
  CommandSurface: { children: [one('OfficeTab', 'OfficeTab')] },
  OfficeTab: { attrs: { id: REQUIRED }, children: [many('Group', 'Group', 1)] },
  Group: {
    attrs: { id: REQUIRED },
    children: [one('Label', 'ShortStringRef'), many('Control', { xsiType: { Button: 'Button' } }, 1)],
  },
  Button: {
    attrs: { id: REQUIRED },
    children: [
      one('Label', 'ShortStringRef'),
      one('Supertip', 'Supertip'),
      one('Icon', 'Icon'),
      one('Action', { xsiType: { ShowTaskpane: 'ShowTaskpane', ExecuteFunction: 'ExecuteFunction' } }),
    ],
  },
  Supertip: { children: [one('Title', 'ShortStringRef'), one('Description', 'LongStringRef')] },
  Icon: { children: [many('bt:Image', 'IconImage', 1)] },
  IconImage: { attrs: { size: REQUIRED, resid: REQUIRED }, resid: 'bt:Images' },
  ShowTaskpane: {
    children: [
      opt('TaskpaneId', 'text'),
      one('SourceLocation', 'UrlRef'),
      opt('Title', 'ShortStringRef'),
      opt('SupportsPinning', 'text'),
      opt('SupportsMultiSelect', 'text'),
      opt('SupportsNoItemContext', 'text'),
    ],
  },
  ExecuteFunction: { children: [one('FunctionName', 'text')] },
  // §5.5 LaunchEvent extension point: the events, then the Runtime that handles them (events.ts checks that).
  LaunchEventPoint: { children: [one('LaunchEvents', 'LaunchEvents'), one('SourceLocation', 'UrlRef')] },
  LaunchEvents: { children: [many('LaunchEvent', 'LaunchEvent', 1)] },
  // §5.5 LaunchEventDefinition.
  LaunchEvent: {
    attrs: {
      Type: {
        required: true,
        oneOf: {
          values: Object.keys(EVENT_TYPES),
          rule: 'launch-event',
          message:
            'LaunchEvent Type "{value}" is not one of {values} (types this validator does not know are refused)',
        },
      },
      FunctionName: {
        required: true,
        maxLength: {
          limit: LIMITS.longString,
          rule: 'string-length',
          message: 'FunctionName is {length} characters; the limit is {limit}',
        },
      },
      SendMode: {
        oneOf: {
          values: SEND_MODES,
          rule: 'send-mode',
          message: 'SendMode "{value}" is not one of {values}',
        },
        onlyWith: {
          attr: 'Type',
          values: SEND_EVENTS,
          rule: 'send-mode',
          message: 'SendMode only applies to send events, not {other}',
        },
      },
    },
  },
  // §5.6 resource references: which collection each one's resid names (docs, for each element).
  ResourceRef: { attrs: { resid: REQUIRED } },
  UrlRef: { attrs: { resid: REQUIRED }, resid: 'bt:Urls' },
  ShortStringRef: { attrs: { resid: REQUIRED }, resid: 'bt:ShortStrings' },
  LongStringRef: { attrs: { resid: REQUIRED }, resid: 'bt:LongStrings' },
  Resources: {
    children: [
      opt('bt:Images', 'BtImages'),
      opt('bt:Urls', 'BtUrls'),
      opt('bt:ShortStrings', 'BtShortStrings'),
      opt('bt:LongStrings', 'BtLongStrings'),
    ],
  },
  BtImages: { children: [many('bt:Image', 'BtUrl', 1)] },
  BtUrls: { children: [many('bt:Url', 'BtUrl', 1)] },
  BtShortStrings: { children: [many('bt:String', 'BtShortString', 1)] },
  BtLongStrings: { children: [many('bt:String', 'BtLongString', 1)] },
  BtUrl: {
    attrs: { id: RESOURCE_ID, DefaultValue: URL_VALUE },
    children: [many('bt:Override', 'UrlOverride')],
  },
  BtShortString: {
    attrs: { id: RESOURCE_ID, DefaultValue: REQUIRED },
    children: [many('bt:Override', 'Override')],
    translated: SHORT_TEXT,
  },
  BtLongString: {
    attrs: { id: RESOURCE_ID, DefaultValue: REQUIRED },
    children: [many('bt:Override', 'Override')],
    translated: LONG_TEXT,
  },
  text: { content: 'text' },
  any: { content: 'any' },
};
