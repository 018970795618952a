import { makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement, ReactNode } from 'react';
import type { DomainReport, MxReport } from '../src/core/report';
import type { ReportRow } from './report-row';
import type { ReportStrings } from './strings';

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    paddingTop: tokens.spacingVerticalS,
    paddingLeft: tokens.spacingHorizontalS,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
  },
  heading: {
    margin: 0,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForeground2,
  },
  list: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    display: 'flex',
    flexDirection: 'column',
    rowGap: '6px',
  },
  dl: {
    display: 'grid',
    // The same label column in every list, so the MX hosts line up.
    gridTemplateColumns: 'minmax(6em, 40%) minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalS,
    rowGap: '2px',
    margin: 0,
    fontSize: tokens.fontSizeBase200,
  },
  pair: { display: 'contents' },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  host: { fontSize: tokens.fontSizeBase200, fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  section: { display: 'flex', flexDirection: 'column', rowGap: '2px' },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
});

function formatDate(iso: string, locale: string, withTime: boolean): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(
    locale,
    withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
  ).format(date);
}

/** "R11, Let's Encrypt" from "C=US, O=Let's Encrypt, CN=R11"; the whole name when it has neither. */
function issuerName(issuer: string): string {
  const part = (key: string): string | undefined =>
    new RegExp(`(?:^|[,/\\n]\\s*)${key}=([^,/\\n]+)`).exec(issuer)?.[1]?.trim();
  const names = [part('CN'), part('O')].filter((name): name is string => Boolean(name));
  return names.length > 0 ? [...new Set(names)].join(', ') : issuer;
}

function Pairs({ items }: { items: Array<[string, ReactNode]> }) {
  const styles = useStyles();
  return (
    <dl className={styles.dl}>
      {items.map(([term, value]) => (
        <div key={term} className={styles.pair}>
          <dt className={styles.dt}>{term}</dt>
          <dd className={styles.dd}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function MxItem({ mx, s }: { mx: MxReport; s: ReportStrings }) {
  const styles = useStyles();
  const items: Array<[string, ReactNode]> = [];
  if (!mx.reachable) items.push([s.tlsVersion, mx.probedAddress ? s.noAnswer : s.notProbed]);
  else if (!mx.starttls || !mx.tls) items.push([s.tlsVersion, s.noStarttls]);
  else {
    const tls = mx.tls;
    const trust = [
      tls.trusted ? s.trusted : s.notTrusted(tls.trustError),
      tls.nameMatches ? '' : s.nameMismatch,
    ]
      .filter(Boolean)
      .join('; ');
    items.push(
      [s.tlsVersion, tls.version],
      [s.cipher, tls.cipher],
      [s.issuer, issuerName(tls.issuer)],
      [s.expires, formatDate(tls.notAfter, s.locale, false)],
      [s.certificate, trust],
    );
  }
  return (
    <li>
      <div className={styles.host}>
        {mx.host}{' '}
        <span className={styles.dt}>
          ({s.preference} {mx.preference})
        </span>
      </div>
      <Pairs items={items} />
    </li>
  );
}

function Dane({ report, s }: { report: DomainReport; s: ReportStrings }) {
  const styles = useStyles();
  if (report.mx.length === 0 || report.mx.every((mx) => mx.dane.state === 'none'))
    return <p className={styles.text}>{s.daneStates.none}</p>;
  return <Pairs items={report.mx.map((mx): [string, ReactNode] => [mx.host, s.daneStates[mx.dane.state]])} />;
}

function MtaSts({ report, s }: { report: DomainReport; s: ReportStrings }) {
  const styles = useStyles();
  const sts = report.mtaSts;
  if (sts.mode === null) {
    const error = sts.error && sts.error.code !== 'MTA_STS_NO_RECORD' ? sts.error.message : null;
    return <p className={styles.text}>{error ?? s.notPublished}</p>;
  }
  const items: Array<[string, ReactNode]> = [
    [s.mode, sts.mode],
    [s.mxPatterns, sts.mx.join(', ') || '—'],
  ];
  if (sts.max_age !== null) items.push([s.maxAge, s.days(Math.round(sts.max_age / 86400))]);
  return <Pairs items={items} />;
}

/** Everything the full report says about one domain: MX TLS, MTA-STS, DANE, TLS-RPT, when checked. */
export function DomainDetails({
  row,
  s,
  id,
  label,
}: {
  row: ReportRow;
  s: ReportStrings;
  id: string;
  label: string;
}): ReactElement {
  const styles = useStyles();
  const report = row.report;
  let body: ReactNode;
  if (!row.full || !report)
    body = (
      <p className={styles.text}>{row.state === 'checking' ? s.loadingDetails : s.detailsUnavailable}</p>
    );
  else
    body = (
      <>
        <Pairs items={[[s.lastChecked, formatDate(report.checkedAt, s.locale, true)]]} />
        <div className={styles.section}>
          <h4 className={styles.heading}>{s.mxHeading}</h4>
          {report.mx.length === 0 ? (
            <p className={styles.text}>{s.noMx}</p>
          ) : (
            <ul className={styles.list}>
              {report.mx.map((mx) => (
                <MxItem key={mx.host} mx={mx} s={s} />
              ))}
            </ul>
          )}
        </div>
        <div className={styles.section}>
          <h4 className={styles.heading}>{s.mtaSts}</h4>
          <MtaSts report={report} s={s} />
        </div>
        <div className={styles.section}>
          <h4 className={styles.heading}>{s.dane}</h4>
          <Dane report={report} s={s} />
        </div>
        <div className={styles.section}>
          <h4 className={styles.heading}>{s.tlsRpt}</h4>
          <p className={styles.text}>{report.tlsRpt.present ? s.published : s.notPublished}</p>
        </div>
      </>
    );
  return (
    <div id={id} role="region" aria-label={label} className={styles.panel}>
      {body}
    </div>
  );
}
