import type { Problem } from './problems';
import { LEGACY_MAILBOX_MIN_VERSION, MAILBOX_MIN_VERSION } from './strings';
import { childNamed, childrenNamed, innerVersionOverrides, walk, type XmlElement } from './xml';

/**
 * The Smart Alerts rules the docs state in prose and the XSD cannot (docs,
 * outlook/smart-alerts-onmessagesend-walkthrough and develop/event-based-activation): one send handler,
 * each event once, the LaunchEvent extension point running in the declared Runtime, a JavaScript file for
 * classic Outlook on Windows, and the Mailbox requirement sets. SendMode's values and where it may appear
 * are facets in schema.ts.
 */

function mailboxVersion(sets: XmlElement | undefined, setName: string): string | undefined {
  const mailbox = childrenNamed(sets, setName).find((set) => set.attrs.Name === 'Mailbox');
  return mailbox?.attrs.MinVersion ?? sets?.attrs.DefaultMinVersion;
}

function checkRequirements(root: XmlElement, problems: Problem[]): void {
  const topVersion = mailboxVersion(childNamed(childNamed(root, 'Requirements'), 'Sets'), 'Set');
  if (topVersion !== LEGACY_MAILBOX_MIN_VERSION) {
    problems.push({
      rule: 'requirements',
      message: `the OfficeApp Mailbox requirement is ${topVersion ?? 'missing'}, expected ${LEGACY_MAILBOX_MIN_VERSION}`,
    });
  }
  const inner = innerVersionOverrides(root);
  const innerSets = childNamed(childNamed(inner, 'Requirements'), 'bt:Sets');
  const hasMailbox = childrenNamed(innerSets, 'bt:Set').some((set) => set.attrs.Name === 'Mailbox');
  const innerVersion = mailboxVersion(innerSets, 'bt:Set');
  if (!hasMailbox || innerVersion !== MAILBOX_MIN_VERSION) {
    problems.push({
      rule: 'requirements',
      message: `the VersionOverrides 1.1 Mailbox requirement is ${hasMailbox ? (innerVersion ?? 'unversioned') : 'missing'}, expected ${MAILBOX_MIN_VERSION}`,
      ...(inner ? { where: inner.path } : {}),
    });
  }
}

function checkLaunchEvents(root: XmlElement, problems: Problem[]): void {
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
  }
}

function checkRuntimes(root: XmlElement, problems: Problem[]): void {
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
    if (points.length === 0) continue;
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

export function checkEventsAndRequirements(root: XmlElement, problems: Problem[]): void {
  checkRequirements(root, problems);
  checkLaunchEvents(root, problems);
  checkRuntimes(root, problems);
}
