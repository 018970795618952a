import { Button, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { isVersionConflict, type AdminApi, type AuditEntry } from './api';
import { ChangeList } from './ChangeList';
import { CsvButton } from './CsvButton';
import { useLocalised } from './language';
import { Failure, Outcome } from './Outcome';
import { problemText } from './problem';
import type { Message, PolicyState } from './types';
import { bareList } from './styles';

const useStyles = makeStyles({
  list: bareList(tokens.spacingVerticalM),
  entry: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
  },
  head: { display: 'flex', justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap' },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  toolbar: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    paddingBottom: tokens.spacingVerticalM,
  },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

/** Every policy change with its diff; any earlier version comes back with one click (as a new version). */
export function HistoryTab({ api, policy }: { api: AdminApi; policy: PolicyState }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<{ error: unknown } | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setEntries(await api.audit(100));
      setError(null);
    } catch (failure) {
      setError({ error: failure });
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load, policy.current.version]);

  async function restore(version: number): Promise<void> {
    setBusy(true);
    setMessage(null);
    try {
      const restored = await api.rollback(version, policy.current.version);
      policy.replace(restored);
      setMessage({ ok: true, text: (t) => t.restored(version, restored.version) });
    } catch (failure) {
      if (isVersionConflict(failure)) await policy.reload();
      setMessage({
        ok: false,
        text: (t) => (isVersionConflict(failure) ? t.historyConflict : problemText(failure, t)),
      });
    } finally {
      setBusy(false);
    }
  }

  if (error) return <Failure text={problemText(error.error, s)} onRetry={load} />;
  if (!entries) return <Spinner label={s.loadingHistory} />;
  return (
    <section aria-labelledby="history-heading">
      <div className={styles.toolbar}>
        <h2 id="history-heading" className={styles.h2}>
          {s.historyHeading}
        </h2>
        <CsvButton api={api} path="/api/v1/admin/policy/audit.csv" filename="tlsgate-policy-audit.csv">
          {s.exportAudit}
        </CsvButton>
      </div>
      {message && <Outcome message={message} />}
      {entries.length === 0 && <p>{s.neverChanged}</p>}
      <ol className={styles.list}>
        {entries.map((entry) => (
          <li key={entry.version} className={styles.entry} aria-label={s.version(entry.version)}>
            <div className={styles.head}>
              <h3 className={styles.h3}>
                {s.version(entry.version)} · {s.dateTime(entry.at)} · {entry.actor}
                {entry.version === policy.current.version ? ` (${s.current})` : ''}
              </h3>
              {entry.version !== policy.current.version && (
                <Button
                  size="small"
                  disabled={busy}
                  onClick={() => void restore(entry.version)}
                  aria-label={s.restoreVersion(entry.version)}
                >
                  {s.restoreThisVersion}
                </Button>
              )}
            </div>
            {entry.note && <p>{entry.note}</p>}
            <ChangeList changes={entry.changes} />
          </li>
        ))}
      </ol>
    </section>
  );
}
