import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { ContentFinding } from '../../src/core/classifier/index';
import type { Decision } from '../../src/core/decide';
import type { Language } from '../../src/core/status';
import type { PaneSnapshot } from './controller';
import type { Strings } from './strings';

const useStyles = makeStyles({
  head: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    columnGap: tokens.spacingHorizontalS,
  },
  list: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    fontSize: tokens.fontSizeBase200,
    display: 'flex',
    flexDirection: 'column',
    rowGap: '2px',
    overflowWrap: 'anywhere',
  },
  muted: { color: tokens.colorNeutralForeground3 },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

interface FindingGroup {
  key: string;
  label: string;
  count: number;
  examples: string[];
  sources: ContentFinding['source'][];
}

/** Findings by kind (a custom rule or label by its name), with their masked examples. */
function groupFindings(findings: readonly ContentFinding[], s: Strings): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const finding of findings) {
    // A rule that could not finish is named on a line of its own (unfinishedRules).
    if (finding.unfinished !== undefined) continue;
    const named = finding.type === 'custom' || finding.type === 'label';
    const key = named ? `${finding.type}:${finding.ruleId ?? finding.ruleName ?? ''}` : finding.type;
    let group = groups.get(key);
    if (!group) {
      const label = named
        ? `${s.kinds[finding.type]}: ${finding.ruleName ?? finding.ruleId ?? ''}`
        : s.kinds[finding.type];
      group = { key, label, count: 0, examples: [], sources: [] };
      groups.set(key, group);
    }
    group.count++;
    if (finding.type !== 'label' && !group.examples.includes(finding.masked) && group.examples.length < 3)
      group.examples.push(finding.masked);
    if (!group.sources.includes(finding.source)) group.sources.push(finding.source);
  }
  return [...groups.values()];
}

/** Names of the org rules that could not finish checking the message, once each. */
function unfinishedRules(findings: readonly ContentFinding[]): string[] {
  const names = findings
    .filter((finding) => finding.unfinished !== undefined)
    .map((finding) => finding.ruleName ?? finding.ruleId ?? '');
  return [...new Set(names)];
}

const INTENT = { allow: 'success', warn: 'warning', block: 'error' } as const;

export function Verdict({
  decision,
  language,
  s,
}: {
  decision: Decision | null;
  language: Language;
  s: Strings;
}): ReactElement {
  const styles = useStyles();
  if (!decision) return <p className={styles.text}>{s.verdictPending}</p>;
  return (
    <MessageBar intent={INTENT[decision.action]} layout="multiline" data-testid="verdict">
      <MessageBarBody>
        <MessageBarTitle>{s.verdictTitles[decision.action]}</MessageBarTitle>
        {/* The same words the Smart Alert shows: decide()'s message. */}
        <span>{decision.message[language]}</span>
      </MessageBarBody>
    </MessageBar>
  );
}

export function ContentSection({
  snapshot,
  language,
  s,
  onScan,
}: {
  snapshot: PaneSnapshot;
  language: Language;
  s: Strings;
  onScan: () => void;
}): ReactElement {
  const styles = useStyles();
  const { scan } = snapshot;
  const groups = groupFindings(scan.findings, s);
  const unfinished = unfinishedRules(scan.findings);
  return (
    <section aria-labelledby="tlsgate-content-heading">
      <div className={styles.head}>
        <h2 id="tlsgate-content-heading">{s.contentHeading}</h2>
        <Button size="small" onClick={onScan} disabledFocusable={scan.state === 'scanning'}>
          {s.scanAgain}
        </Button>
      </div>
      {!scan.scanned && scan.state !== 'failed' ? (
        <p className={styles.text}>{s.scanning}</p>
      ) : scan.state === 'failed' ? (
        <p className={styles.text}>{s.scanFailed}</p>
      ) : groups.length === 0 && unfinished.length === 0 ? (
        <p className={styles.text}>{s.nothingFound}</p>
      ) : (
        <ul className={styles.list} aria-label={s.contentHeading}>
          {groups.map((group) => (
            <li key={group.key}>
              <strong>{group.label}</strong>
              {group.count > 1 ? ` ×${group.count}` : ''}
              {group.examples.length > 0 && (
                <>
                  : <span className={styles.mono}>{group.examples.join(', ')}</span>
                </>
              )}{' '}
              <span className={styles.muted}>
                ({group.sources.map((source) => s.foundIn[source]).join(', ')})
              </span>
            </li>
          ))}
          {unfinished.map((name) => (
            <li key={`unfinished:${name}`}>{s.ruleUnfinished(name)}</li>
          ))}
        </ul>
      )}
      <h3>{s.verdictHeading}</h3>
      <Verdict decision={snapshot.decision} language={language} s={s} />
    </section>
  );
}
