import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Script, createContext } from 'node:vm';
import { errorMessage, type Problem } from './problems';
import { walk, type XmlElement } from './xml';

/**
 * The event handlers exist in the built bundle: launchevent.js runs against a stub Office and every
 * function name either manifest gives must be passed to Office.actions.associate with a function.
 */

export interface FunctionRef {
  name: string;
  where: string;
}

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

export async function checkAssociations(
  names: readonly FunctionRef[],
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

export function xmlFunctionNames(root: XmlElement): FunctionRef[] {
  const names: FunctionRef[] = [];
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
