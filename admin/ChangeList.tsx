import { makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { PolicyChange } from './api';
import { useLocalised } from './language';

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  added: { color: tokens.colorPaletteGreenForeground1 },
  removed: { color: tokens.colorPaletteRedForeground1 },
});

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A policy diff as the audit log records it: changed values, and entries added to or removed from lists. */
export function ChangeList({ changes }: { changes: readonly PolicyChange[] }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  if (changes.length === 0) return <p>{s.noChanges}</p>;
  return (
    <ul className={styles.list}>
      {changes.map((change, index) => (
        <li key={index}>
          <code>{change.path}</code>:{' '}
          {'added' in change ? (
            <>
              {change.added.map((value, i) => (
                <span key={`a${i}`} className={styles.added}>
                  +{show(value)}{' '}
                </span>
              ))}
              {change.removed.map((value, i) => (
                <span key={`r${i}`} className={styles.removed}>
                  −{show(value)}{' '}
                </span>
              ))}
            </>
          ) : (
            <>
              <span className={styles.removed}>{show(change.before)}</span> →{' '}
              <span className={styles.added}>{show(change.after)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
