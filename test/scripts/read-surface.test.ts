import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  READ_GROUP_ID,
  READ_TASKPANE_BUTTON_ID,
  TEMPLATE_PATH,
  buildNlLocalization,
  buildUnifiedManifest,
  renderManifestXml,
  writeManifests,
} from '../../scripts/manifest';
import type { Problem } from '../../scripts/manifest/problems';
import { validateManifests } from '../../scripts/manifest/validate';
import { parseXml, walk, type XmlElement } from '../../scripts/manifest/xml';

/**
 * The read-mode surface: a button on the read form's ribbon (XML MessageReadCommandSurface, unified
 * `mailRead`) that opens the same task pane, validated offline like the compose one.
 */

const ROOT = join(__dirname, '..', '..');
const BASE = 'https://tls.example.com/outlook';
const template = readFileSync(TEMPLATE_PATH, 'utf8');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function makeDist(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-read-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'assets'), join(dir, 'assets'), { recursive: true });
  for (const page of ['taskpane.html', 'commands.html']) writeFileSync(join(dir, page), '<!doctype html>');
  cpSync(join(ROOT, 'addin', 'static', 'support.html'), join(dir, 'support.html'));
  writeFileSync(
    join(dir, 'launchevent.js'),
    `Office.actions.associate('onMessageSendHandler', function () {});
     Office.actions.associate('onMessageRecipientsChangedHandler', function () {});`,
  );
  await writeManifests(BASE, dir);
  return dir;
}

async function problemsAfter(file: string, change: (text: string) => string): Promise<Problem[]> {
  const dir = await makeDist();
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return validateManifests(dir, BASE);
}

const rules = (problems: Problem[]): string[] => [...new Set(problems.map((p) => p.rule))].sort();

function surfaceOf(element: XmlElement): string | undefined {
  for (let node = element.parent; node; node = node.parent)
    if (node.name === 'ExtensionPoint') return node.attrs['xsi:type'];
  return undefined;
}

describe('the read command', () => {
  it('is a button on the read form opening the task pane, in XML and in the unified manifest', () => {
    const all = [...walk(parseXml(renderManifestXml(template, BASE)))];
    const button = all.find((element) => element.attrs.id === READ_TASKPANE_BUTTON_ID);
    expect(button && surfaceOf(button)).toBe('MessageReadCommandSurface');
    expect(button?.parent?.attrs.id).toBe(READ_GROUP_ID);
    const action = button?.children.find((child) => child.name === 'Action');
    expect(action?.attrs['xsi:type']).toBe('ShowTaskpane');
    expect(action?.children[0]?.attrs.resid).toBe('Taskpane.Url');
    // Outlook activates the add-in on read forms only when the rules include them.
    const forms = all
      .filter((e) => e.name === 'Rule' && e.attrs['xsi:type'] === 'ItemIs')
      .map((e) => e.attrs.FormType);
    expect(forms).toEqual(expect.arrayContaining(['Edit', 'Read']));

    const ribbons = buildUnifiedManifest(BASE).extensions?.[0]?.ribbons ?? [];
    expect(ribbons.map((ribbon) => ribbon.contexts)).toEqual([['mailCompose'], ['mailRead']]);
    const control = ribbons[1]?.tabs[0]?.groups?.[0]?.controls?.[0];
    expect(control).toMatchObject({ id: READ_TASKPANE_BUTTON_ID, label: 'Sent securely' });
    expect(control?.actionId).toBe(ribbons[0]?.tabs[0]?.groups?.[0]?.controls?.[0]?.actionId);
    expect(buildNlLocalization()['extensions[0].ribbons[1].tabs[0].groups[0].controls[0].label']).toBe(
      'Veilig verzonden',
    );
  });

  it('validates offline in both manifests', async () => {
    expect(await validateManifests(await makeDist(), BASE)).toEqual([]);
  });

  it('reports a read surface with a wrong xsi:type', async () => {
    const problems = await problemsAfter('manifest.xml', (xml) =>
      xml.replace('xsi:type="MessageReadCommandSurface"', 'xsi:type="MessageReadingCommandSurface"'),
    );
    expect(rules(problems)).toContain('unexpected-element');
    // The button is no longer on the read form, which the unified manifest says it is.
    expect(problems).toContainEqual(
      expect.objectContaining({
        rule: 'consistency',
        message: expect.stringContaining(
          `${READ_TASKPANE_BUTTON_ID} on MessageReadingCommandSurface`,
        ) as string,
      }),
    );
  });

  it('reports a read button whose label resource is missing', async () => {
    const problems = await problemsAfter('manifest.xml', (xml) =>
      xml.replace(/<bt:String id="ReadButton\.Label"[\s\S]*?<\/bt:String>/, ''),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        rule: 'resid',
        message:
          'resid "ReadButton.Label" does not resolve to a resource in its VersionOverrides (bt:ShortStrings)',
      }),
    );
  });

  it('reports a read button that opens something else than the pane', async () => {
    const problems = await problemsAfter('manifest.xml', (xml) =>
      xml.replace(
        /(id="TLSGate\.ReadTaskpaneButton">[\s\S]*?<SourceLocation resid=")Taskpane\.Url/,
        '$1Commands.Url',
      ),
    );
    expect(rules(problems)).toEqual(['consistency']);
    expect(problems[0]?.message).toMatch(
      /^the ribbon buttons differs: .*ReadTaskpaneButton on mailRead opens https:\/\/tls\.example\.com\/outlook\/commands\.html/,
    );
  });

  it('reports a unified manifest whose read ribbon is on the compose form', async () => {
    const problems = await problemsAfter('manifest.json', (text) =>
      text.replace(
        '"contexts": [\n            "mailRead"\n          ]',
        '"contexts": [\n            "mailCompose"\n          ]',
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'consistency',
        message: expect.stringMatching(/^the ribbon buttons differs: /) as string,
      }),
    ]);
  });

  it('reports a read button without its nl-NL label', async () => {
    const problems = await problemsAfter('nl-NL.json', (text) =>
      text.replace(
        /\n\s*"extensions\[0\]\.ribbons\[1\]\.tabs\[0\]\.groups\[0\]\.controls\[0\]\.label": "[^"]*",/,
        '',
      ),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        rule: 'locale',
        message: 'extensions[0].ribbons[1].tabs[0].groups[0].controls[0].label has no nl-NL text',
      }),
    );
  });

  it('fails the build when the template lost the read button', () => {
    const noRead = template.replace(
      /<ExtensionPoint xsi:type="MessageReadCommandSurface">[\s\S]*?<\/ExtensionPoint>/,
      '',
    );
    expect(() => renderManifestXml(noRead, BASE)).toThrow(/^manifest template: the read <Group> is missing/);
  });
});
