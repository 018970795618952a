import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import {
  ADDIN_ID,
  DEFAULT_BASE_URL,
  TASKPANE_BUTTON_ID,
  TEMPLATE_PATH,
  buildNlLocalization,
  buildUnifiedManifest,
  parseBaseUrl,
  renderManifestXml,
  writeManifests,
} from '../../scripts/manifest';
import { parseXml, type XmlElement } from '../../scripts/validate-manifest';

const template = readFileSync(TEMPLATE_PATH, 'utf8');
const BASE = 'https://tls.example.com/outlook/addin';

/** Every URL in an XML document except namespace names. */
function xmlUrls(xml: string): string[] {
  return [...xml.matchAll(/(?<!xmlns(?::\w+)?=")\b[a-z]+:\/\/[^"<\s]+/gi)].map((match) => match[0]);
}

function* elements(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* elements(child);
}

describe('parseBaseUrl', () => {
  it('defaults to https://localhost:3000 when unset or empty', () => {
    expect(parseBaseUrl(undefined)).toBe(DEFAULT_BASE_URL);
    expect(parseBaseUrl('')).toBe(DEFAULT_BASE_URL);
    expect(parseBaseUrl('   ')).toBe(DEFAULT_BASE_URL);
  });

  it.each([
    ['https://host.example', 'https://host.example'],
    ['https://host.example/', 'https://host.example'],
    ['https://host.example/path', 'https://host.example/path'],
    ['https://host.example/a/b///', 'https://host.example/a/b'],
    ['https://HOST.Example:8443/Path/', 'https://host.example:8443/Path'],
    ['https://host.example:443/x', 'https://host.example/x'],
    [' https://host.example/x ', 'https://host.example/x'],
  ])('normalises %j to %j', (input, expected) => {
    expect(parseBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['http://host.example', /https/],
    ['ftp://host.example', /https/],
    ['localhost:3000', /https/],
    ['host.example/path', /not an absolute URL/],
    ['https://', /not an absolute URL/],
    ['https://user:secret@host.example', /credentials/],
    ['https://host.example/path?x=1', /query or fragment/],
    ['https://host.example/#top', /query or fragment/],
    ['https://host.example/a\nb', /whitespace/],
    ['https://host.example/a b', /whitespace/],
  ])('refuses %j with a one-line message naming ADDIN_BASE_URL', (input, reason) => {
    let message = '';
    try {
      parseBaseUrl(input);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ADDIN_BASE_URL /);
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
  });
});

describe('renderManifestXml', () => {
  const rendered = renderManifestXml(template, `${BASE}/`);

  it('rewrites every URL under a base with a path and leaves nothing on localhost', () => {
    expect(rendered).not.toMatch(/localhost/i);
    const urls = xmlUrls(rendered);
    expect(urls).toHaveLength(xmlUrls(template).length);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) {
      if (url === 'https://tls.example.com') continue; // the AppDomain
      expect(url.startsWith(`${BASE}/`)).toBe(true);
    }
    expect(rendered).toContain(`<bt:Url id="JSRuntime.Url" DefaultValue="${BASE}/launchevent.js"/>`);
    expect(rendered).toContain(`<bt:Url id="WebViewRuntime.Url" DefaultValue="${BASE}/commands.html"/>`);
    expect(rendered).toContain(`<SupportUrl DefaultValue="${BASE}/support.html"/>`);
  });

  it('makes the AppDomain the base origin, not the path', () => {
    const domains = [...elements(parseXml(rendered))].filter((element) => element.name === 'AppDomain');
    expect(domains.map((domain) => domain.text)).toEqual(['https://tls.example.com']);
  });

  it('keeps the template unchanged for the default base', () => {
    expect(renderManifestXml(template, DEFAULT_BASE_URL)).toBe(template);
  });

  it('escapes a base path for XML', () => {
    const xml = renderManifestXml(template, 'https://host.example/a&b');
    expect(xml).toContain('DefaultValue="https://host.example/a&amp;b/taskpane.html"');
    const taskpane = [...elements(parseXml(xml))].find((element) => element.attrs.id === 'Taskpane.Url');
    expect(taskpane?.attrs.DefaultValue).toBe('https://host.example/a&b/taskpane.html');
  });

  it('refuses a bad base URL', () => {
    expect(() => renderManifestXml(template, 'http://host.example')).toThrow(/ADDIN_BASE_URL/);
  });

  it('refuses a template with a localhost URL it cannot rewrite', () => {
    const otherPort = template.replace(
      'https://localhost:3000/support.html',
      'https://localhost:3001/support.html',
    );
    expect(() => renderManifestXml(otherPort, BASE)).toThrow(/cannot rewrite/);
    expect(() => renderManifestXml(`${template}<!-- https://localhost:3000 -->`, BASE)).toThrow(
      /cannot rewrite/,
    );
  });

  it('renders the structure the issue asks for', () => {
    const root = parseXml(rendered);
    const all = [...elements(root)];
    expect(root.attrs['xsi:type']).toBe('MailApp');
    expect(all.find((element) => element.name === 'Id')?.text).toBe(ADDIN_ID);
    const inner = all.filter((element) => element.attrs['xsi:type'] === 'VersionOverridesV1_1');
    expect(inner).toHaveLength(1);
    expect(inner[0]?.parent?.attrs['xsi:type']).toBe('VersionOverridesV1_0');
    const events = all.filter((element) => element.name === 'LaunchEvent').map((event) => event.attrs);
    expect(events).toEqual([
      { Type: 'OnMessageSend', FunctionName: 'onMessageSendHandler', SendMode: 'SoftBlock' },
      { Type: 'OnMessageRecipientsChanged', FunctionName: 'onMessageRecipientsChangedHandler' },
    ]);
    const button = all.find((element) => element.name === 'Control');
    expect(button?.attrs.id).toBe(TASKPANE_BUTTON_ID);
    expect(button?.children.find((child) => child.name === 'Action')?.attrs['xsi:type']).toBe('ShowTaskpane');
  });
});

describe('buildUnifiedManifest', () => {
  const manifest = buildUnifiedManifest(`${BASE}/`);

  it('passes the bundled schema offline', async () => {
    expect(await AppManifestUtils.validateAgainstSchema(manifest as AppManifest)).toEqual([]);
  });

  it('fails the bundled schema when a field is wrong (the check is real)', async () => {
    const broken = { ...manifest, accentColor: 'blue' };
    const errors = await AppManifestUtils.validateAgainstSchema(broken);
    expect(errors.join('\n')).toMatch(/accentColor/);
  });

  it('puts every URL under the base and lists the base host as the valid domain', () => {
    const json = JSON.stringify(manifest);
    expect(json).not.toMatch(/localhost/);
    const urls = [...json.matchAll(/"(https?:\/\/[^"]+)"/g)]
      .map((match) => match[1] ?? '')
      .filter((url) => !url.startsWith('https://developer.microsoft.com/'));
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url.startsWith(`${BASE}/`)).toBe(true);
    expect(manifest.validDomains).toEqual(['tls.example.com']);
  });

  it('uses the same id, events, control id and send mode as the XML manifest', () => {
    expect(manifest.id).toBe(ADDIN_ID);
    expect(manifest.version).toBe('1.0.0');
    const extension = manifest.extensions?.[0];
    expect(extension?.autoRunEvents?.[0]?.events).toEqual([
      { type: 'messageSending', actionId: 'onMessageSendHandler', options: { sendMode: 'softBlock' } },
      { type: 'messageRecipientsChanged', actionId: 'onMessageRecipientsChangedHandler' },
    ]);
    expect(extension?.ribbons?.[0]?.tabs[0]?.groups?.[0]?.controls?.[0]?.id).toBe(TASKPANE_BUTTON_ID);
    expect(extension?.runtimes?.find((runtime) => runtime.code.script)?.code).toEqual({
      page: `${BASE}/commands.html`,
      script: `${BASE}/launchevent.js`,
    });
    expect(manifest.authorization?.permissions?.resourceSpecific).toEqual([
      { name: 'MailboxItem.ReadWrite.User', type: 'Delegated' },
    ]);
  });

  it('refuses a bad base URL', () => {
    expect(() => buildUnifiedManifest('http://host.example')).toThrow(/ADDIN_BASE_URL/);
  });
});

describe('writeManifests', () => {
  it('writes manifest.xml, manifest.json and the nl-NL localization file into dist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-manifest-'));
    try {
      await writeManifests(BASE, join(dir, 'dist'));
      const xml = readFileSync(join(dir, 'dist', 'manifest.xml'), 'utf8');
      expect(xml).toBe(renderManifestXml(template, BASE));
      const json = JSON.parse(readFileSync(join(dir, 'dist', 'manifest.json'), 'utf8')) as unknown;
      expect(json).toEqual(JSON.parse(JSON.stringify(buildUnifiedManifest(BASE))));
      const nl = JSON.parse(readFileSync(join(dir, 'dist', 'nl-NL.json'), 'utf8')) as Record<string, string>;
      expect(nl).toEqual(buildNlLocalization());
      expect(nl['extensions[0].ribbons[0].tabs[0].groups[0].controls[0].label']).toBe('TLS-status');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad base URL before writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-manifest-'));
    try {
      await expect(writeManifests('http://host.example', join(dir, 'dist'))).rejects.toThrow(/https/);
      expect(() => readFileSync(join(dir, 'dist', 'manifest.xml'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
