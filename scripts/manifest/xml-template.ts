import {
  ADDIN_ID,
  DEFAULT_LOCALE,
  GROUP_ID,
  LEGACY_MAILBOX_MIN_VERSION,
  MAILBOX_MIN_VERSION,
  PAGES,
  PROVIDER_NAME,
  READ_GROUP_ID,
  READ_TASKPANE_BUTTON_ID,
  STRINGS,
  TASKPANE_BUTTON_ID,
  TRANSLATED_LOCALE,
  XML_EVENT_HANDLERS,
  XML_STRING_RESOURCES,
  XML_URL_RESOURCES,
  XML_VERSION,
  iconPath,
} from './strings';

/**
 * Writes strings.ts's texts, ids and page URLs into the XML manifest rendered from the template, so the XML
 * and the unified manifest read one source. Each value has one slot, found by a pattern that must match
 * exactly once: a reformatted template fails the build instead of keeping stale text.
 */

/** For attribute values in double quotes and for text content; an apostrophe stays as it is. */
function escapeXmlValue(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function quote(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Slot {
  /** What the build error names. */
  what: string;
  /** Two groups, the text before and after the value. */
  pattern: string;
  value: string;
}

const ATTR = '"[^"]*"';
const attrSlot = (what: string, before: string, value: string): Slot => ({
  what,
  pattern: `(${before}=")[^"]*(")`,
  value,
});
const textSlot = (name: string, value: string): Slot => ({
  what: `<${name}>`,
  pattern: `(<${name}>)[^<]*(</${name}>)`,
  value,
});
/** Inside the ExtensionPoint of `surface` only: the compose and read ribbons each have a group and a button. */
const inSurface = (surface: string, start: string): string =>
  `<ExtensionPoint xsi:type="${surface}">(?:(?!</ExtensionPoint>)[\\s\\S])*?${start}`;
/** The legacy form of `type`: ItemEdit (compose) and ItemRead each name the task pane. */
const inForm = (type: string): string =>
  `<Form xsi:type="${type}">\\s*<DesktopSettings>\\s*<SourceLocation DefaultValue`;

/** A translated value: the Override for TRANSLATED_LOCALE right after the element's start tag. */
const overrideSlot = (what: string, startTag: string, override: string, value: string): Slot => ({
  what: `the ${TRANSLATED_LOCALE} text of ${what}`,
  pattern: `(${startTag}[^>]*>\\s*<${override} Locale="${TRANSLATED_LOCALE}" Value=")[^"]*(")`,
  value,
});

function slots(base: string): Slot[] {
  const url = (path: string): string => `${base}/${path}`;
  const en = STRINGS.en;
  const nl = STRINGS.nl;
  const list: Slot[] = [
    textSlot('Id', ADDIN_ID),
    textSlot('Version', XML_VERSION),
    textSlot('ProviderName', PROVIDER_NAME),
    textSlot('DefaultLocale', DEFAULT_LOCALE),
    attrSlot('<DisplayName>', '<DisplayName DefaultValue', en.name),
    overrideSlot('<DisplayName>', '<DisplayName', 'Override', nl.name),
    attrSlot('<Description>', '<Description DefaultValue', en.description),
    overrideSlot('<Description>', '<Description DefaultValue', 'Override', nl.description),
    attrSlot('<IconUrl>', '<IconUrl DefaultValue', url(iconPath(64))),
    attrSlot('<HighResolutionIconUrl>', '<HighResolutionIconUrl DefaultValue', url(iconPath(128))),
    attrSlot('<SupportUrl>', '<SupportUrl DefaultValue', url(PAGES.support)),
    attrSlot('the ItemEdit form <SourceLocation>', inForm('ItemEdit'), url(PAGES.taskpane)),
    attrSlot('the ItemRead form <SourceLocation>', inForm('ItemRead'), url(PAGES.taskpane)),
    attrSlot('the Mailbox <Set>', '<Set Name="Mailbox" MinVersion', LEGACY_MAILBOX_MIN_VERSION),
    attrSlot('<bt:Sets>', '<bt:Sets DefaultMinVersion', MAILBOX_MIN_VERSION),
    attrSlot('the compose <Group>', inSurface('MessageComposeCommandSurface', '<Group id'), GROUP_ID),
    attrSlot(
      'the compose <Control>',
      inSurface('MessageComposeCommandSurface', '<Control xsi:type="Button" id'),
      TASKPANE_BUTTON_ID,
    ),
    attrSlot('the read <Group>', inSurface('MessageReadCommandSurface', '<Group id'), READ_GROUP_ID),
    attrSlot(
      'the read <Control>',
      inSurface('MessageReadCommandSurface', '<Control xsi:type="Button" id'),
      READ_TASKPANE_BUTTON_ID,
    ),
  ];
  for (const [type, handler] of Object.entries(XML_EVENT_HANDLERS)) {
    list.push(attrSlot(`LaunchEvent ${type}`, `<LaunchEvent Type="${quote(type)}" FunctionName`, handler));
  }
  for (const [id, key] of Object.entries(XML_STRING_RESOURCES)) {
    const start = `<bt:String id="${quote(id)}" DefaultValue`;
    list.push(attrSlot(`bt:String ${id}`, start, en[key]));
    list.push(
      overrideSlot(
        `bt:String ${id}`,
        `<bt:String id="${quote(id)}" DefaultValue=${ATTR}`,
        'bt:Override',
        nl[key],
      ),
    );
  }
  for (const [id, path] of Object.entries(XML_URL_RESOURCES)) {
    list.push(attrSlot(`resource ${id}`, `<bt:(?:Url|Image) id="${quote(id)}" DefaultValue`, url(path)));
  }
  return list;
}

/**
 * `base` is the normalised ADDIN_BASE_URL. Throws an Error with a one-line message when a slot is missing
 * or found twice.
 */
export function fillXmlStrings(template: string, base: string): string {
  let xml = template;
  for (const { what, pattern, value } of slots(base)) {
    const matches = xml.match(new RegExp(pattern, 'g'))?.length ?? 0;
    if (matches !== 1) {
      throw new Error(
        `manifest template: ${what} ${matches === 0 ? 'is missing' : 'appears more than once'} (scripts/manifest/xml-template.ts)`,
      );
    }
    xml = xml.replace(new RegExp(pattern), (_all, before: string, after: string) => {
      return `${before}${escapeXmlValue(value)}${after}`;
    });
  }
  return xml;
}
