import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeManifests } from '../../scripts/manifest';
import type { Problem } from '../../scripts/manifest/problems';
import { XML_SCHEMA } from '../../scripts/manifest/schema';
import { validateManifests } from '../../scripts/manifest/validate';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BASE = 'https://tls.example.com/outlook';

const ASSOCIATE_BOTH = `
  Office.actions.associate('onMessageSendHandler', function (event) { event.completed({ allowEvent: true }); });
  Office.actions.associate('onMessageRecipientsChangedHandler', function (event) { event.completed(); });
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A stand-in for the build's dist/: the real manifests and icons, placeholder pages, and a launchevent.js
 * that associates the handlers the way the real bundle must.
 */
async function makeDist(base = BASE, bundle = ASSOCIATE_BOTH): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-dist-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'assets'), join(dir, 'assets'), { recursive: true });
  for (const page of ['taskpane.html', 'commands.html']) writeFileSync(join(dir, page), '<!doctype html>');
  cpSync(join(ROOT, 'addin', 'static', 'support.html'), join(dir, 'support.html'));
  writeFileSync(join(dir, 'launchevent.js'), bundle);
  await writeManifests(base, dir);
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
}

function editJson(dir: string, file: string, change: (json: Record<string, unknown>) => void): void {
  edit(dir, file, (text) => {
    const json = JSON.parse(text) as Record<string, unknown>;
    change(json);
    return JSON.stringify(json, null, 2);
  });
}

function rules(problems: Problem[]): string[] {
  return [...new Set(problems.map((problem) => problem.rule))].sort();
}

async function problemsAfter(
  change: (dir: string) => void,
  options: { base?: string; bundle?: string } = {},
): Promise<Problem[]> {
  const dir = await makeDist(options.base ?? BASE, options.bundle ?? ASSOCIATE_BOTH);
  change(dir);
  return validateManifests(dir, options.base ?? BASE);
}

describe('validateManifests on a correct build', () => {
  it('finds no problem for a base with a path', async () => {
    const dir = await makeDist();
    expect(await validateManifests(dir, BASE)).toEqual([]);
  });

  it('finds no problem for the default base', async () => {
    const dir = await makeDist('https://localhost:3000');
    expect(await validateManifests(dir, 'https://localhost:3000/')).toEqual([]);
  });
});

describe('validateManifests rules', () => {
  it('resid: a reference to a resource that does not exist', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace('<Label resid="Group.Label"/>', '<Label resid="Nope.Label"/>'),
      );
    });
    expect(rules(problems)).toEqual(['consistency', 'resid']);
    expect(problems.find((problem) => problem.rule === 'resid')?.message).toMatch(
      /"Nope.Label" does not resolve/,
    );
  });

  it('resid: a reference to a resource of the wrong kind', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace('<Label resid="Group.Label"/>', '<Label resid="Taskpane.Url"/>'),
      );
    });
    expect(problems.find((problem) => problem.rule === 'resid')?.message).toMatch(
      /bt:Urls resource, but <Label> needs bt:ShortStrings/,
    );
  });

  it('url-https: an http URL', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace(`"${BASE}/launchevent.js"`, `"${BASE.replace('https:', 'http:')}/launchevent.js"`),
      );
    });
    expect(rules(problems)).toEqual(['consistency', 'url-https']);
  });

  it('url-base: a URL outside ADDIN_BASE_URL, including one that climbs out with ..', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml
          .replace(`"${BASE}/taskpane.html"`, '"https://elsewhere.example/taskpane.html"')
          .replace(`"${BASE}/support.html"`, `"${BASE}/../support.html"`),
      );
    });
    expect(rules(problems)).toEqual(['url-base']);
    expect(problems).toHaveLength(2);
  });

  it('url-base: the whole build validated against another base', async () => {
    const dir = await makeDist();
    const problems = await validateManifests(dir, 'https://other.example');
    expect(rules(problems)).toEqual(['url-base']);
  });

  it('dist-file: a URL under the base that the build did not write', async () => {
    const problems = await problemsAfter((dir) => {
      rmSync(join(dir, 'support.html'));
    });
    expect(rules(problems)).toEqual(['dist-file']);
  });

  it('element-order: FunctionFile after the ExtensionPoints', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml
          .replace('<FunctionFile resid="Commands.Url"/>', '')
          .replace('</DesktopFormFactor>', '<FunctionFile resid="Commands.Url"/></DesktopFormFactor>'),
      );
    });
    expect(rules(problems)).toEqual(['element-order']);
    expect(problems[0]?.message).toMatch(/<FunctionFile> is out of order in <DesktopFormFactor>/);
  });

  it('element-order: Permissions before FormSettings at the top level', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml
          .replace('<Permissions>ReadWriteItem</Permissions>', '')
          .replace('<FormSettings>', '<Permissions>ReadWriteItem</Permissions><FormSettings>'),
      );
    });
    expect(rules(problems)).toEqual(['element-order']);
  });

  it('required-element: a missing ProviderName and a missing Supertip', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml
          .replace('<ProviderName>TLS Gate</ProviderName>', '')
          .replace(/<Supertip>[\s\S]*?<\/Supertip>/, ''),
      );
    });
    expect(problems.filter((problem) => problem.rule === 'required-element').map((p) => p.message)).toEqual([
      '<OfficeApp> is missing required <ProviderName>',
      '<Control> is missing required <Supertip>',
    ]);
  });

  it('required-attribute: a Group without its id', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace('<Group id="TLSGate.Group">', '<Group>'));
    });
    expect(rules(problems)).toEqual(['consistency', 'required-attribute']);
    expect(problems.find((problem) => problem.rule === 'required-attribute')?.message).toBe(
      '<Group> is missing required attribute id',
    );
  });

  it('element-count: a second Id', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace(/(<Id>[^<]*<\/Id>)/, '$1$1'));
    });
    expect(rules(problems)).toEqual(['element-count']);
  });

  it('namespace: an inner VersionOverrides in the 1.0 namespace', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace('mailappversionoverrides/1.1" xsi:type', 'mailappversionoverrides" xsi:type'),
      );
    });
    expect(rules(problems)).toEqual(['namespace']);
  });

  it('manifest-info: what office-addin-manifest reads must describe a mail add-in', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace(
          '<Permissions>ReadWriteItem</Permissions>',
          '<Permissions>ReadWriteDocument</Permissions>',
        ),
      );
    });
    expect(rules(problems)).toEqual(['manifest-info']);
  });

  it('unexpected-element: a control type the table does not know', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace('xsi:type="Button"', 'xsi:type="Menu"'));
    });
    expect(rules(problems)).toEqual(['unexpected-element']);
  });

  it('string-length: a ShortString over 125 characters (125 is fine)', async () => {
    const at = (length: number) =>
      problemsAfter((dir) => {
        edit(dir, 'manifest.xml', (xml) =>
          xml.replace('DefaultValue="TLS status of the recipients"', `DefaultValue="${'x'.repeat(length)}"`),
        );
      });
    expect((await at(125)).filter((problem) => problem.rule === 'string-length')).toEqual([]);
    const problems = await at(126);
    expect(problems.filter((problem) => problem.rule === 'string-length').map((p) => p.message)).toEqual([
      'en-US text of <bt:String> is 126 characters; the limit is 125',
    ]);
  });

  it('string-length: an nl-NL Description over 250 characters', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace(
          /(<Description DefaultValue="[^"]*">\s*<Override Locale="nl-NL" Value=")[^"]*/,
          `$1${'y'.repeat(251)}`,
        ),
      );
    });
    expect(problems.find((problem) => problem.rule === 'string-length')?.message).toBe(
      'nl-NL text of <Description> is 251 characters; the limit is 250',
    );
  });

  it('resource-id: an id over 32 characters', async () => {
    const long = 'TaskpaneButton.Label.Much.Too.Long';
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replaceAll('"TaskpaneButton.Label"', `"${long}"`));
    });
    expect(rules(problems)).toEqual(['resource-id']);
  });

  it('locale: a string without its nl-NL override, and an override for another locale', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml
          .replace('<bt:Override Locale="nl-NL" Value="TLS-status"/>', '')
          .replace(
            '<Override Locale="nl-NL" Value="TLS Gate"/>',
            '<Override Locale="de-DE" Value="TLS Gate"/>',
          ),
      );
    });
    const locale = problems.filter((problem) => problem.rule === 'locale').map((problem) => problem.message);
    expect(locale).toEqual([
      'override for locale "de-DE"; only nl-NL is translated',
      '<DisplayName> has no nl-NL text (add an Override)',
      '<bt:String> has no nl-NL text (add an Override)',
    ]);
  });

  it('function-association: a FunctionName the bundle does not associate', async () => {
    const bundle = `Office.actions.associate('onMessageSendHandler', function () {});
      Office.actions.associate('onMessageRecipientsChangedHandler', 'not a function');`;
    const problems = await problemsAfter(() => undefined, { bundle });
    expect(rules(problems)).toEqual(['function-association']);
    // Once for the XML LaunchEvent, and for the JSON action and the autoRunEvent that names it.
    expect(problems.map((problem) => problem.where)).toEqual([
      expect.stringMatching(/^manifest\.xml .*LaunchEvent$/),
      'manifest.json action onMessageRecipientsChangedHandler',
      'manifest.json extensions[0].autoRunEvents[0].events[1].actionId',
    ]);
  });

  it('function-association: a bundle that throws when loaded', async () => {
    const problems = await problemsAfter(() => undefined, { bundle: 'window.addEventListener("load", f);' });
    expect(rules(problems)).toEqual(['function-association']);
    expect(problems[0]?.message).toMatch(/window is not defined/);
  });

  it('json-schema: a unified manifest that breaks the bundled schema', async () => {
    const problems = await problemsAfter((dir) => {
      editJson(dir, 'manifest.json', (json) => {
        json.accentColor = 'blue';
      });
    });
    expect(rules(problems)).toEqual(['json-schema']);
    expect(problems[0]?.message).toMatch(/^\/accentColor must match pattern/);
  });

  it('json-schema: a $schema that is not bundled is refused rather than fetched', async () => {
    const problems = await problemsAfter((dir) => {
      editJson(dir, 'manifest.json', (json) => {
        json.$schema = 'https://schemas.example/teams.json';
      });
    });
    expect(rules(problems)).toEqual(['json-schema']);
    expect(problems[0]?.message).toMatch(/cannot be checked offline/);
  });

  it('json-schema and locale: an nl-NL file with an overlong or unknown key', async () => {
    const problems = await problemsAfter((dir) => {
      editJson(dir, 'nl-NL.json', (json) => {
        json['name.short'] = 'x'.repeat(31);
        json['extensions[0].ribbons[0].tabs[0].groups[3].label'] = 'Nergens';
      });
    });
    expect(rules(problems)).toEqual(['consistency', 'json-schema', 'locale']);
  });

  it('action-id: an event naming an action no runtime declares', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.json', (text) =>
        text.replace('"actionId": "onMessageRecipientsChangedHandler"', '"actionId": "onSomethingElse"'),
      );
    });
    expect(rules(problems)).toEqual(['action-id', 'consistency']);
  });

  it('launch-event: two OnMessageSend events', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace('Type="OnMessageRecipientsChanged"', 'Type="OnMessageSend"'),
      );
    });
    expect(rules(problems)).toEqual(['consistency', 'launch-event']);
  });

  it('send-mode: a SendMode outside PromptUser/SoftBlock/Block', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace('SendMode="SoftBlock"', 'SendMode="Soft"'));
    });
    expect(rules(problems)).toEqual(['consistency', 'send-mode']);
  });

  it('runtime: a LaunchEvent SourceLocation that is not the Runtime resid', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace(/(<\/LaunchEvents>[\s\S]*?<SourceLocation resid=")WebViewRuntime.Url/, '$1Commands.Url'),
      );
    });
    expect(rules(problems)).toEqual(['runtime']);
  });

  it('runtime: a Runtime without the JavaScript override for classic Outlook', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) =>
        xml.replace('<Override type="javascript" resid="JSRuntime.Url"/>', ''),
      );
    });
    expect(rules(problems)).toEqual(['consistency', 'runtime']);
  });

  it('requirements: an inner Mailbox requirement other than 1.12', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace('DefaultMinVersion="1.12"', 'DefaultMinVersion="1.15"'));
    });
    expect(rules(problems)).toEqual(['consistency', 'requirements']);
  });

  it('icon: an icon of the wrong size', async () => {
    const problems = await problemsAfter((dir) => {
      cpSync(join(dir, 'assets', 'icon-32.png'), join(dir, 'assets', 'icon-16.png'));
    });
    expect(rules(problems)).toEqual(['icon']);
    expect(problems[0]?.message).toMatch(/icon-16\.png is 32×32, expected 16×16/);
  });

  it('icon: an Icon without its 80 px image', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace('<bt:Image size="80" resid="Icon.80x80"/>', ''));
    });
    expect(rules(problems)).toEqual(['icon']);
  });

  it('consistency: a unified manifest whose button label differs', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.json', (text) => text.replace('"label": "TLS status"', '"label": "TLS state"'));
    });
    expect(problems).toEqual([
      {
        rule: 'consistency',
        message:
          'the label of TLSGate.TaskpaneButton (en) differs: manifest.xml "TLS status", manifest.json "TLS state"',
      },
    ]);
  });

  it('parse: malformed XML', async () => {
    const problems = await problemsAfter((dir) => {
      edit(dir, 'manifest.xml', (xml) => xml.replace('</Hosts>', '</Host>'));
    });
    expect(rules(problems)).toEqual(['parse']);
  });

  it('dist-file and base-url: no build, or a bad base', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tlsgate-empty-'));
    dirs.push(empty);
    expect(rules(await validateManifests(empty, BASE))).toEqual(['dist-file']);
    expect(await validateManifests(empty, 'http://x.example')).toEqual([
      { rule: 'base-url', message: expect.stringMatching(/^ADDIN_BASE_URL must be an https/) as string },
    ]);
  });
});

describe('the [MS-OWEMXML] table', () => {
  it('names only types it defines', () => {
    for (const [name, type] of Object.entries(XML_SCHEMA)) {
      for (const particle of type.children ?? []) {
        const refs =
          typeof particle.type === 'string' ? [particle.type] : Object.values(particle.type.xsiType);
        for (const ref of refs) expect([name, ref, ref in XML_SCHEMA]).toEqual([name, ref, true]);
      }
    }
  });
});

describe('npm run validate (the script as main)', () => {
  const script = join(ROOT, 'scripts', 'validate-manifest.ts');
  const tsx = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

  it('exits 0 for a correct build', async () => {
    const dir = await makeDist();
    const { stdout } = await run(process.execPath, [tsx, script, dir], {
      env: { ...process.env, ADDIN_BASE_URL: BASE },
    });
    expect(stdout).toMatch(/valid for https:\/\/tls\.example\.com\/outlook/);
  });

  it('exits 1 and prints each problem when there are problems', async () => {
    const dir = await makeDist();
    const failure = (await run(process.execPath, [tsx, script, dir], {
      env: { ...process.env, ADDIN_BASE_URL: 'https://other.example' },
    }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^\[url-base\] /m);
    expect(failure.stderr).toMatch(/manifest problems in /);
  });
});
