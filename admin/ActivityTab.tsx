import {
  Field,
  makeStyles,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { ActivityDecision, ActivitySummary, AdminApi } from './api';
import { CsvButton } from './CsvButton';
import { useLocalised } from './language';
import { Failure } from './Outcome';
import { problemText } from './problem';
import { findingLabel } from './strings';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL },
  toolbar: { display: 'flex', alignItems: 'end', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  columns: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))',
    columnGap: tokens.spacingHorizontalXXL,
  },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  bar: { display: 'flex', height: '10px', minWidth: '2px', borderRadius: tokens.borderRadiusSmall },
  number: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  note: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

const DECISIONS: readonly ActivityDecision[] = [
  'allowed',
  'warned',
  'blocked',
  'sent-anyway',
  'sent-via-portal',
];
const BAR_COLOURS: Readonly<Record<ActivityDecision, string>> = {
  allowed: tokens.colorPaletteGreenBackground3,
  warned: tokens.colorPaletteYellowBackground3,
  blocked: tokens.colorPaletteRedBackground3,
  'sent-anyway': tokens.colorPaletteDarkOrangeBackground3,
  'sent-via-portal': tokens.colorPaletteBlueBackground2,
};
const RANGES = [7, 30, 90, 180] as const;

/** What the on-send check decided, per day, and what made it act. Metadata only: no message content. */
export function ActivityTab({ api }: { api: AdminApi }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [days, setDays] = useState<number>(30);
  const [summary, setSummary] = useState<ActivitySummary | null>(null);
  const [error, setError] = useState<{ error: unknown } | null>(null);

  const load = useCallback(async () => {
    setSummary(null);
    try {
      setSummary(await api.activity(days));
      setError(null);
    } catch (failure) {
      setError({ error: failure });
    }
  }, [api, days]);
  useEffect(() => {
    void load();
  }, [load]);

  const totals = Object.fromEntries(
    DECISIONS.map((decision) => [
      decision,
      summary?.days.reduce((n, day) => n + day.counts[decision], 0) ?? 0,
    ]),
  ) as Record<ActivityDecision, number>;
  const busiest = Math.max(
    1,
    ...(summary?.days.map((day) => DECISIONS.reduce((n, decision) => n + day.counts[decision], 0)) ?? []),
  );

  return (
    <div className={styles.layout}>
      <div className={styles.toolbar}>
        <Field label={s.period}>
          <Select
            value={String(days)}
            onChange={(_event, data) => {
              setDays(Number(data.value));
            }}
          >
            {RANGES.map((range) => (
              <option key={range} value={range}>
                {s.lastDays(range)}
              </option>
            ))}
          </Select>
        </Field>
        <CsvButton api={api} path={`/api/v1/admin/activity.csv?days=${days}`} filename="tlsgate-activity.csv">
          {s.exportActivity}
        </CsvButton>
        <CsvButton api={api} path="/api/v1/admin/policy/audit.csv" filename="tlsgate-policy-audit.csv">
          {s.exportAudit}
        </CsvButton>
      </div>
      {error && <Failure text={problemText(error.error, s)} onRetry={load} />}
      {!error && !summary && <Spinner label={s.loadingActivity} />}
      {summary && (
        <>
          <Table aria-label={s.totals} size="small">
            <TableHeader>
              <TableRow>
                {DECISIONS.map((decision) => (
                  <TableHeaderCell key={decision}>{s.decisions[decision]}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              <TableRow>
                {DECISIONS.map((decision) => (
                  <TableCell key={decision} data-decision={decision}>
                    {totals[decision]}
                  </TableCell>
                ))}
              </TableRow>
            </TableBody>
          </Table>
          <p className={styles.note}>{s.sentAnywayNote}</p>
          <div className={styles.columns}>
            <section aria-labelledby="top-domains">
              <h2 id="top-domains" className={styles.h2}>
                {s.topDomains}
              </h2>
              <Ranked rows={summary.topDomains.map((row) => [row.domain, row.count])} empty={s.none} />
            </section>
            <section aria-labelledby="top-types">
              <h2 id="top-types" className={styles.h2}>
                {s.whatTriggered}
              </h2>
              <Ranked
                rows={summary.detectionTypes.map((row) => [findingLabel(s, row.type), row.count])}
                empty={s.nothingYet}
              />
            </section>
            {summary.topAddresses.length > 0 && (
              <section aria-labelledby="top-addresses">
                <h2 id="top-addresses" className={styles.h2}>
                  {s.topAddresses}
                </h2>
                <Ranked rows={summary.topAddresses.map((row) => [row.address, row.count])} empty={s.none} />
              </section>
            )}
          </div>
          <section aria-labelledby="per-day">
            <h2 id="per-day" className={styles.h2}>
              {s.perDay}
            </h2>
            <Table aria-labelledby="per-day" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{s.day}</TableHeaderCell>
                  {DECISIONS.map((decision) => (
                    <TableHeaderCell key={decision}>{s.decisions[decision]}</TableHeaderCell>
                  ))}
                  <TableHeaderCell aria-hidden>{s.chart}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {[...summary.days].reverse().map((day) => (
                  <TableRow key={day.day}>
                    <TableCell>{day.day}</TableCell>
                    {DECISIONS.map((decision) => (
                      <TableCell key={decision} className={styles.number}>
                        {day.counts[decision]}
                      </TableCell>
                    ))}
                    <TableCell aria-hidden>
                      <div className={styles.bar}>
                        {DECISIONS.map((decision) => (
                          <span
                            key={decision}
                            style={{
                              width: `${(100 * day.counts[decision]) / busiest}%`,
                              background: BAR_COLOURS[decision],
                            }}
                          />
                        ))}
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </section>
        </>
      )}
    </div>
  );
}

function Ranked({ rows, empty }: { rows: ReadonlyArray<[string, number]>; empty: string }): ReactElement {
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <ol>
      {rows.map(([name, count]) => (
        <li key={name}>
          {name}: {count}
        </li>
      ))}
    </ol>
  );
}
