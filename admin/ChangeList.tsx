import { makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { PolicyChange } from './api';
import { FORCED_TLS_LEVELS } from '../src/core/policy';
import { useLocalised } from './language';
import type { AdminStrings } from './strings';

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  added: { color: tokens.colorPaletteGreenForeground1 },
  removed: { color: tokens.colorPaletteRedForeground1 },
});

/** A value as the audit shows it; a forced-TLS entry as "partner.example: Domain validation (mx.partner.example)". */
function show(value: unknown, s: AdminStrings): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'domain' in value && 'level' in value) {
    const { domain, level, tlsDomain } = value as { domain: unknown; level: unknown; tlsDomain?: unknown };
    const known = FORCED_TLS_LEVELS.find((each) => each === level);
    if (typeof domain === 'string' && known)
      return `${domain}: ${s.tls.levels[known]}${typeof tlsDomain === 'string' ? ` (${tlsDomain})` : ''}`;
  }
  return JSON.stringify(value);
}

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
                  +{show(value, s)}{' '}
                </span>
              ))}
              {change.removed.map((value, i) => (
                <span key={`r${i}`} className={styles.removed}>
                  −{show(value, s)}{' '}
                </span>
              ))}
            </>
          ) : (
            <>
              <span className={styles.removed}>{show(change.before, s)}</span> →{' '}
              <span className={styles.added}>{show(change.after, s)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
