import { Button, Field, Input, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import type { LookupReport } from '../addin/shared/api';
import { summarizeReport } from '../src/core/summary';
import { DomainDetails } from '../ui/DomainDetails';
import { StatusBadge } from '../ui/StatusBadge';
import { REPORT_STRINGS } from '../ui/strings';
import { LOOKUP_TIMEOUT_MS, type AdminApi } from './api';
import { useLocalised } from './language';
import { Failure } from './Outcome';
import { problemText } from './problem';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, maxWidth: '720px' },
  form: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'end' },
  head: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
});

/** Any domain's full report (the task pane's details view), and a re-check that probes it again now. */
export function LookupTab({ api }: { api: AdminApi }): ReactElement {
  const styles = useStyles();
  const { language, s } = useLocalised();
  // The texts of the report views the console shares with the task pane.
  const pane = REPORT_STRINGS[language];
  const [input, setInput] = useState('');
  const [report, setReport] = useState<LookupReport | null>(null);
  const [busy, setBusy] = useState<'lookup' | 'recheck' | null>(null);
  const [error, setError] = useState<{ error: unknown } | null>(null);

  async function look(domain: string, fresh: boolean): Promise<void> {
    setBusy(fresh ? 'recheck' : 'lookup');
    setError(null);
    try {
      const [found] = await api.lookups.lookup([domain], LOOKUP_TIMEOUT_MS, { fresh });
      setReport(found ?? null);
    } catch (failure) {
      setError({ error: failure });
    } finally {
      setBusy(null);
    }
  }

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const domain = input.trim();
    if (domain) void look(domain, false);
  };

  const row = report
    ? { domain: report.domain, recipients: [], state: 'ready' as const, report, full: true }
    : null;
  return (
    <div className={styles.layout}>
      <form className={styles.form} onSubmit={submit}>
        <Field label={s.domainOrAddress}>
          <Input
            value={input}
            onChange={(_event, data) => {
              setInput(data.value);
            }}
          />
        </Field>
        <Button type="submit" appearance="primary" disabled={busy !== null || input.trim() === ''}>
          {s.lookUp}
        </Button>
      </form>
      {busy && <Spinner size="tiny" label={busy === 'recheck' ? s.checkingAgain : s.lookingUp} />}
      {error && <Failure text={problemText(error.error, s)} />}
      {report && row && (
        <section aria-labelledby="report-heading">
          <div className={styles.head}>
            <h2 id="report-heading" className={styles.h2}>
              {report.domain || input}
            </h2>
            <StatusBadge row={row} language={language} s={pane} />
            <Button
              size="small"
              disabled={busy !== null || !report.domain}
              onClick={() => void look(report.domain, true)}
            >
              {s.recheck}
            </Button>
          </div>
          <p>{summarizeReport(report, language)}</p>
          <p>{s.checkedAt(s.dateTime(report.checkedAt), report.cached, report.stale)}</p>
          <h3 className={styles.h3}>{pane.details}</h3>
          <DomainDetails row={row} s={pane} id="lookup-details" label={pane.detailsFor(report.domain)} />
        </section>
      )}
    </div>
  );
}
