import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import {
  DEFAULT_BASE_URL,
  TEMPLATE_PATH,
  buildNlLocalization,
  buildUnifiedManifest,
  renderManifestXml,
  writeManifests,
} from '../../scripts/manifest';
import type { Problem } from '../../scripts/manifest/problems';
import { STRINGS, XML_STRING_RESOURCES } from '../../scripts/manifest/strings';
import { checkStructure } from '../../scripts/manifest/structure';
import { validateManifests } from '../../scripts/manifest/validate';
import { parseXml } from '../../scripts/manifest/xml';
import { fillXmlStrings } from '../../scripts/manifest/xml-template';

/** scripts/manifest/: the schema as data, the checks as small modules, the strings in one place. */

const ROOT = join(__dirname, '..', '..');
const SCRIPTS = join(ROOT, 'scripts');
const FOLDER = join(SCRIPTS, 'manifest');
const BASE = 'https://tls.example.com/outlook';
const template = readFileSync(TEMPLATE_PATH, 'utf8');

const modules = [
  ...readdirSync(FOLDER)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(FOLDER, name)),
  join(SCRIPTS, 'manifest.ts'),
  join(SCRIPTS, 'validate-manifest.ts'),
];

/** The relative imports of a module, resolved to files. */
function localImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => `${resolve(dirname(file), name)}.ts`)
    .filter((path) => existsSync(path));
}

function structureProblems(change: (xml: string) => string): Problem[] {
  const xml = renderManifestXml(template, BASE);
  const changed = change(xml);
  if (changed === xml) throw new Error('the change changed nothing');
  const problems: Problem[] = [];
  checkStructure(parseXml(changed), problems);
  return problems;
}

describe('the modules', () => {
  it('import each other without a cycle', () => {
    const graph = new Map(modules.map((file) => [file, localImports(file)]));
    expect(graph.get(join(FOLDER, 'validate.ts'))?.length).toBeGreaterThan(5); // the parse is real
    const cycles: string[] = [];
    const visit = (file: string, stack: string[]): void => {
      if (stack.includes(file)) {
        cycles.push(
          [...stack.slice(stack.indexOf(file)), file].map((path) => path.slice(ROOT.length)).join(' → '),
        );
        return;
      }
      for (const next of graph.get(file) ?? []) visit(next, [...stack, file]);
    };
    for (const file of modules) visit(file, []);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('stay under ~400 lines, unless the top comment says why', () => {
    for (const file of modules) {
      const text = readFileSync(file, 'utf8');
      const long = text.split('\n').length > 400;
      const explained = /longer\s+(?:\*\s+)?than the ~400-line guideline/.test(text.slice(0, 2000));
      expect([file.slice(ROOT.length), long && !explained]).toEqual([file.slice(ROOT.length), false]);
    }
  });

  it('keep the schema table free of code', () => {
    const schema = readFileSync(join(FOLDER, 'schema.ts'), 'utf8');
    expect(schema).not.toMatch(/\bfunction\b|=>|\bif\s*\(|\bfor\s*\(/);
  });
});

describe('the schema table drives the structure check', () => {
  it('finds nothing in a rendered manifest', () => {
    expect(structureProblems((xml) => `${xml}\n`)).toEqual([]);
  });

  it('refuses a LaunchEvent Type outside the enumeration, like an unknown xsi:type', () => {
    const problems = structureProblems((xml) =>
      xml.replace('Type="OnMessageRecipientsChanged"', 'Type="OnNewMessageCompose"'),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'launch-event',
        message: expect.stringMatching(
          /^LaunchEvent Type "OnNewMessageCompose" is not one of OnMessageSend, /,
        ) as string,
      }),
    ]);
  });

  it('allows SendMode on send events only', () => {
    const problems = structureProblems((xml) =>
      xml.replace(
        'Type="OnMessageRecipientsChanged" FunctionName="onMessageRecipientsChangedHandler"',
        '$& SendMode="Block"',
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'send-mode',
        message: 'SendMode only applies to send events, not OnMessageRecipientsChanged',
      }),
    ]);
  });

  it('checks namespaces, patterns and enumerations under the rules the table names', () => {
    const problems = structureProblems((xml) =>
      xml
        .replace('xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"', 'xmlns:bt="urn:x"')
        .replace('<Version>1.0.0.0</Version>', '<Version>1.0.0.0.0</Version>')
        .replace('<DefaultLocale>en-US</DefaultLocale>', '<DefaultLocale>en-GB</DefaultLocale>')
        .replace(`DefaultValue="${BASE}/support.html"`, 'DefaultValue="support.html"'),
    );
    expect(problems.map(({ rule, message }) => [rule, message])).toEqual([
      [
        'namespace',
        '<OfficeApp> must declare xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"',
      ],
      ['manifest-info', 'Version 1.0.0.0.0 is not n.n.n.n'],
      ['locale', 'DefaultLocale is en-GB, expected en-US'],
      ['url-https', '"support.html" is not an absolute URL'],
    ]);
  });
});

describe('one source of strings', () => {
  it('the template mirrors strings.ts, so rendering it for its own base changes nothing', () => {
    expect(fillXmlStrings(template, DEFAULT_BASE_URL)).toBe(template);
  });

  it('both manifests take their texts from strings.ts, whatever the template says', () => {
    const edits: [string, string][] = [
      ['DefaultValue="TLS status"', 'DefaultValue="Old label"'],
      ['Value="TLS-status"', 'Value="Oud label"'],
      ['FunctionName="onMessageSendHandler"', 'FunctionName="oldHandler"'],
    ];
    let stale = template;
    for (const [from, to] of edits) {
      expect(stale).toContain(from);
      stale = stale.replace(from, to);
    }
    const xml = renderManifestXml(stale, BASE);
    expect(xml).toBe(renderManifestXml(template, BASE));
    expect(xml).toContain(`<bt:String id="TaskpaneButton.Label" DefaultValue="${STRINGS.en.buttonLabel}">`);
    expect(xml).not.toMatch(/Old label|Oud label|oldHandler/);
    const unified = buildUnifiedManifest(BASE);
    expect(unified.extensions?.[0]?.ribbons?.[0]?.tabs[0]?.groups?.[0]?.controls?.[0]?.label).toBe(
      STRINGS.en.buttonLabel,
    );
    expect(Object.values(buildNlLocalization())).toContain(STRINGS.nl.buttonLabel);
    // The compose button's group, label, title and tooltip; the read button's label, title and tooltip.
    expect(Object.keys(XML_STRING_RESOURCES)).toHaveLength(7);
  });

  it('fails the build, in one line, when the template has no slot for a value', () => {
    const noTitle = template.replace(/<bt:String id="TaskpaneButton.Title"[\s\S]*?<\/bt:String>/, '');
    expect(() => renderManifestXml(noTitle, BASE)).toThrow(
      /^manifest template: bt:String TaskpaneButton\.Title is missing \(scripts\/manifest\/xml-template\.ts\)$/,
    );
    const twice = template.replace('<Version>1.0.0.0</Version>', '$&<Version>1.0.0.0</Version>');
    expect(() => renderManifestXml(twice, BASE)).toThrow(/<Version> appears more than once/);
  });
});

describe('validateManifests with the LaunchEvent enumeration', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('reports an event type it does not know, not only the XML ↔ JSON difference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-modules-'));
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
    expect(await validateManifests(dir, BASE)).toEqual([]);
    const path = join(dir, 'manifest.xml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace('Type="OnMessageRecipientsChanged"', 'Type="OnMessageReceived"'),
    );
    const rules = new Set((await validateManifests(dir, BASE)).map((problem) => problem.rule));
    expect([...rules].sort()).toEqual(['consistency', 'launch-event']);
  });
});
