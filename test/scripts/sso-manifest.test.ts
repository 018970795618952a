import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import webpack from 'webpack';
import {
  DEFAULT_BASE_URL,
  TEMPLATE_PATH,
  buildUnifiedManifest,
  parseSsoSettings,
  renderManifestXml,
  writeManifests,
  type SsoSettings,
} from '../../scripts/manifest';
import type { Problem } from '../../scripts/manifest/problems';
import { validateManifests } from '../../scripts/manifest/validate';
import { parseXml, type XmlElement } from '../../scripts/manifest/xml';
import configs from '../../webpack.config';

/** Office SSO: ADDIN_SSO_CLIENT_ID / ADDIN_SSO_RESOURCE → WebApplicationInfo in both manifests. */

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
const template = readFileSync(TEMPLATE_PATH, 'utf8');
const BASE = 'https://tlsgate.contoso.com/outlook';
const CLIENT_ID = '5d7c0b61-3e2a-4b8f-9c1d-2a6e8f4b7c90';
/** Another Entra application. */
const ADDIN_OTHER = '0b0e4e5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const SSO: SsoSettings = { clientId: CLIENT_ID, resource: `api://tlsgate.contoso.com/${CLIENT_ID}` };
const ASSOCIATE_BOTH = `
  Office.actions.associate('onMessageSendHandler', function (event) { event.completed({ allowEvent: true }); });
  Office.actions.associate('onMessageRecipientsChangedHandler', function (event) { event.completed(); });
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

function* elements(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* elements(child);
}

/** A stand-in dist/ (as in validate-manifest.test.ts) with the manifests written for `sso`. */
async function makeDist(sso: SsoSettings | null, base = BASE): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-sso-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'assets'), join(dir, 'assets'), { recursive: true });
  for (const page of ['taskpane.html', 'commands.html']) writeFileSync(join(dir, page), '<!doctype html>');
  cpSync(join(ROOT, 'addin', 'static', 'support.html'), join(dir, 'support.html'));
  writeFileSync(join(dir, 'launchevent.js'), ASSOCIATE_BOTH);
  await writeManifests(base, dir, sso);
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
}

function rules(problems: Problem[]): string[] {
  return [...new Set(problems.map((problem) => problem.rule))].sort();
}

describe('parseSsoSettings', () => {
  it('is null when neither variable is set or both are blank', () => {
    expect(parseSsoSettings({}, BASE)).toBeNull();
    expect(parseSsoSettings({ ADDIN_SSO_CLIENT_ID: '  ', ADDIN_SSO_RESOURCE: '' }, BASE)).toBeNull();
  });

  it('defaults the resource to api://<host of the base URL>/<client id>, the path dropped', () => {
    expect(parseSsoSettings({ ADDIN_SSO_CLIENT_ID: CLIENT_ID }, BASE)).toEqual(SSO);
  });

  it('keeps a port in the host and lower-cases the client id', () => {
    expect(
      parseSsoSettings({ ADDIN_SSO_CLIENT_ID: ` ${CLIENT_ID.toUpperCase()} ` }, DEFAULT_BASE_URL),
    ).toEqual({
      clientId: CLIENT_ID,
      resource: `api://localhost:3000/${CLIENT_ID}`,
    });
  });

  it('takes ADDIN_SSO_RESOURCE as given when its host is the add-in host', () => {
    const resource = `api://TLSGate.contoso.com/tlsgate/${CLIENT_ID}`;
    expect(parseSsoSettings({ ADDIN_SSO_CLIENT_ID: CLIENT_ID, ADDIN_SSO_RESOURCE: resource }, BASE)).toEqual({
      clientId: CLIENT_ID,
      resource,
    });
  });

  it.each([
    [{ ADDIN_SSO_CLIENT_ID: 'tlsgate' }, /^ADDIN_SSO_CLIENT_ID is not a GUID: "tlsgate"/],
    [{ ADDIN_SSO_CLIENT_ID: `{${CLIENT_ID}}` }, /^ADDIN_SSO_CLIENT_ID is not a GUID/],
    [
      { ADDIN_SSO_RESOURCE: `api://tlsgate.contoso.com/${CLIENT_ID}` },
      /^ADDIN_SSO_RESOURCE is set but ADDIN_SSO_CLIENT_ID is not$/,
    ],
    [
      { ADDIN_SSO_CLIENT_ID: CLIENT_ID, ADDIN_SSO_RESOURCE: `https://tlsgate.contoso.com/${CLIENT_ID}` },
      /^ADDIN_SSO_RESOURCE must be an api:\/\/ URI/,
    ],
    [
      { ADDIN_SSO_CLIENT_ID: CLIENT_ID, ADDIN_SSO_RESOURCE: `api://tlsgate.contoso.com/${CLIENT_ID}?x=1` },
      /^ADDIN_SSO_RESOURCE must be an api:\/\/ URI/,
    ],
    [
      { ADDIN_SSO_CLIENT_ID: CLIENT_ID, ADDIN_SSO_RESOURCE: `api://other.contoso.com/${CLIENT_ID}` },
      /^ADDIN_SSO_RESOURCE host other\.contoso\.com differs from the add-in's host tlsgate\.contoso\.com/,
    ],
    [
      { ADDIN_SSO_CLIENT_ID: CLIENT_ID, ADDIN_SSO_RESOURCE: `api://tlsgate.contoso.com:8443/${CLIENT_ID}` },
      /host tlsgate\.contoso\.com:8443 differs/,
    ],
  ])('refuses %j with a one-line message', (env, reason) => {
    const message = errorOf(() => parseSsoSettings(env, BASE));
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
  });

  it('refuses a bad base URL the way parseBaseUrl does', () => {
    expect(errorOf(() => parseSsoSettings({ ADDIN_SSO_CLIENT_ID: CLIENT_ID }, 'http://x.example'))).toMatch(
      /^ADDIN_BASE_URL must be an https/,
    );
  });
});

describe('renderManifestXml with SSO', () => {
  const plain = renderManifestXml(template, BASE);
  const withSso = renderManifestXml(template, BASE, SSO);

  it('leaves the output without SSO exactly as before', () => {
    expect(renderManifestXml(template, BASE, null)).toBe(plain);
    expect(renderManifestXml(template, DEFAULT_BASE_URL, null)).toBe(template);
    expect(plain).not.toContain('WebApplicationInfo');
  });

  it('adds WebApplicationInfo as the last child of VersionOverrides 1.1, and nothing else', () => {
    const inner = [...elements(parseXml(withSso))].find(
      (element) => element.attrs['xsi:type'] === 'VersionOverridesV1_1',
    );
    expect(inner?.children.map((child) => child.name)).toEqual([
      'Requirements',
      'Hosts',
      'Resources',
      'WebApplicationInfo',
    ]);
    const info = inner?.children[3];
    expect(info?.children.map((child) => [child.name, child.text])).toEqual([
      ['Id', CLIENT_ID],
      ['Resource', SSO.resource],
      ['Scopes', ''],
    ]);
    expect(info?.children[2]?.children.map((scope) => scope.text)).toEqual(['openid', 'profile']);
    const added = withSso.split('\n').filter((line) => !plain.split('\n').includes(line));
    expect(withSso.split('\n')).toHaveLength(plain.split('\n').length + added.length);
    expect(added.join('\n')).toBe(
      [
        '      <!-- Office SSO: OfficeRuntime.auth.getAccessToken asks Entra for a token for this app. -->',
        '      <WebApplicationInfo>',
        `        <Id>${CLIENT_ID}</Id>`,
        `        <Resource>${SSO.resource}</Resource>`,
        '        <Scopes>',
        '          <Scope>openid</Scope>',
        '          <Scope>profile</Scope>',
        '        </Scopes>',
        '      </WebApplicationInfo>',
      ].join('\n'),
    );
  });

  it('refuses settings that do not fit the base URL', () => {
    expect(() =>
      renderManifestXml(template, BASE, {
        clientId: CLIENT_ID,
        resource: `api://elsewhere.example/${CLIENT_ID}`,
      }),
    ).toThrow(/differs from the add-in's host/);
    expect(() => renderManifestXml(template, BASE, { clientId: 'x', resource: SSO.resource })).toThrow(
      /GUID/,
    );
  });

  it('refuses a template without VersionOverrides 1.1', () => {
    const v10only = template.replace('xsi:type="VersionOverridesV1_1"', 'xsi:type="VersionOverridesV1_0"');
    expect(() => renderManifestXml(v10only, BASE, SSO)).toThrow(/no VersionOverrides 1\.1/);
  });
});

describe('buildUnifiedManifest with SSO', () => {
  it('adds webApplicationInfo {id, resource} only when SSO is set', async () => {
    const manifest = buildUnifiedManifest(BASE, SSO);
    expect(manifest.webApplicationInfo).toEqual({ id: CLIENT_ID, resource: SSO.resource });
    expect(await AppManifestUtils.validateAgainstSchema(manifest as AppManifest)).toEqual([]);
    expect('webApplicationInfo' in buildUnifiedManifest(BASE)).toBe(false);
    expect(buildUnifiedManifest(BASE, null)).toEqual(buildUnifiedManifest(BASE));
  });
});

describe('webpack defines __ADDIN_SSO__', () => {
  const definitions = (sso?: boolean) =>
    configs({
      baseUrl: BASE,
      outDir: '/tmp/unused',
      mode: 'production',
      ...(sso === undefined ? {} : { sso }),
    }).map((config) => {
      const plugin = config.plugins?.find((p) => p instanceof webpack.DefinePlugin);
      return plugin?.definitions;
    });

  it('as the build option in every bundle, false by default', () => {
    for (const defined of definitions(true)) {
      expect(defined).toEqual({
        __ADDIN_BASE_URL__: JSON.stringify(BASE),
        __ADDIN_SSO__: 'true',
        // The send check's action before it has kept any policy (ADDIN_ON_BACKEND_ERROR), warn by default.
        __ADDIN_ON_BACKEND_ERROR__: JSON.stringify('warn'),
      });
    }
    for (const defined of [...definitions(false), ...definitions()])
      expect(defined?.__ADDIN_SSO__).toBe('false');
    expect(definitions()).toHaveLength(4);
  });
});

describe('validateManifests with SSO', () => {
  it('passes for a build with SSO validated with its settings, including the default base', async () => {
    expect(await validateManifests(await makeDist(SSO), BASE, SSO)).toEqual([]);
    const local = parseSsoSettings({ ADDIN_SSO_CLIENT_ID: CLIENT_ID }, DEFAULT_BASE_URL);
    expect(await validateManifests(await makeDist(local, DEFAULT_BASE_URL), DEFAULT_BASE_URL, local)).toEqual(
      [],
    );
  });

  it('fails when the build and the settings disagree', async () => {
    const problems = await validateManifests(await makeDist(SSO), BASE);
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'sso',
        message: expect.stringMatching(/ADDIN_SSO_CLIENT_ID is not set/) as string,
      }),
    ]);
    const missing = await validateManifests(await makeDist(null), BASE, SSO);
    expect(missing).toEqual([
      {
        rule: 'sso',
        message: `manifest.xml has no WebApplicationInfo, but ADDIN_SSO_CLIENT_ID is ${CLIENT_ID}`,
      },
    ]);
  });

  it('fails for a Resource on another host than the SourceLocation', async () => {
    const dir = await makeDist(SSO);
    edit(dir, 'manifest.xml', (xml) =>
      xml.replace(`<Resource>${SSO.resource}`, `<Resource>api://other.contoso.com/${CLIENT_ID}`),
    );
    const problems = await validateManifests(dir, BASE, SSO);
    expect(rules(problems)).toEqual(['consistency', 'sso']);
    expect(problems.map((problem) => problem.message)).toContain(
      'WebApplicationInfo Resource host other.contoso.com differs from the SourceLocation host tlsgate.contoso.com',
    );
  });

  it('fails for a Resource that is not api://, and for an Id that is not a GUID', async () => {
    const dir = await makeDist(SSO);
    edit(dir, 'manifest.xml', (xml) =>
      xml
        .replace(`<Resource>${SSO.resource}`, `<Resource>https://tlsgate.contoso.com/${CLIENT_ID}`)
        .replace(`<Id>${CLIENT_ID}`, '<Id>tlsgate'),
    );
    const messages = (await validateManifests(dir, BASE)).map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'WebApplicationInfo Id "tlsgate" is not a GUID',
        `WebApplicationInfo Resource "https://tlsgate.contoso.com/${CLIENT_ID}" is not an api:// URI (api://tlsgate.contoso.com/<client id>)`,
      ]),
    );
  });

  it('fails for Scopes without a Scope, and for WebApplicationInfo out of place', async () => {
    const noScope = await makeDist(SSO);
    edit(noScope, 'manifest.xml', (xml) => xml.replace(/<Scope>[a-z]+<\/Scope>\s*/g, ''));
    expect(await validateManifests(noScope, BASE, SSO)).toEqual([
      expect.objectContaining({ rule: 'required-element', message: '<Scopes> is missing required <Scope>' }),
    ]);

    const early = await makeDist(SSO);
    edit(early, 'manifest.xml', (xml) => {
      const block = /\s*<WebApplicationInfo>[\s\S]*<\/WebApplicationInfo>/.exec(xml)?.[0] ?? '';
      return xml.replace(block, '').replace('      <Resources>', `${block.trim()}<Resources>`);
    });
    expect(rules(await validateManifests(early, BASE, SSO))).toEqual(['element-order']);
  });

  it('fails when the unified manifest names another application', async () => {
    const dir = await makeDist(SSO);
    edit(dir, 'manifest.json', (text) => text.replace(`"id": "${CLIENT_ID}"`, `"id": "${ADDIN_OTHER}"`));
    expect(await validateManifests(dir, BASE, SSO)).toEqual([
      {
        rule: 'consistency',
        message: `the SSO application id differs: manifest.xml "${CLIENT_ID}", manifest.json "${ADDIN_OTHER}"`,
      },
    ]);
  });
});

describe('the scripts read ADDIN_SSO_* from the environment', () => {
  const env = (extra: Record<string, string>) => {
    const clean = { ...process.env };
    delete clean.ADDIN_SSO_CLIENT_ID;
    delete clean.ADDIN_SSO_RESOURCE;
    return { ...clean, ADDIN_BASE_URL: BASE, ...extra };
  };

  it('npm run validate checks the build against them', async () => {
    const dir = await makeDist(SSO);
    const script = join(ROOT, 'scripts', 'validate-manifest.ts');
    const { stdout } = await run(process.execPath, [TSX, script, dir], {
      env: env({ ADDIN_SSO_CLIENT_ID: CLIENT_ID }),
    });
    expect(stdout).toMatch(new RegExp(`valid for ${BASE} with Office SSO for ${CLIENT_ID}`));
    const failure = (await run(process.execPath, [TSX, script, dir], { env: env({}) }).catch(
      (error: unknown) => error,
    )) as { code?: number; stderr?: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^\[sso\] manifest\.xml declares WebApplicationInfo/m);
  });

  it.each(['build', 'package'])(
    'npm run %s refuses bad settings in one line, without a stack trace, before building',
    async (name) => {
      const failure = (await run(process.execPath, [TSX, join(ROOT, 'scripts', `${name}.ts`)], {
        env: env({ ADDIN_SSO_CLIENT_ID: CLIENT_ID, ADDIN_SSO_RESOURCE: `api://other.example/${CLIENT_ID}` }),
      }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
      expect(failure.code).toBe(2);
      expect(failure.stderr).toMatch(
        new RegExp(
          `^${name}: ADDIN_SSO_RESOURCE host other\\.example differs from the add-in's host [^\\n]*\\n$`,
        ),
      );
    },
    20_000,
  );
});
