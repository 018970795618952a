import { Button, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useId, useState, type ReactElement } from 'react';
import type { DeliveryVerdict, MxDelivery } from '../src/core/delivery';
import { deliveryProblem, deliverySentence } from '../src/core/delivery-messages';
import type { Language } from '../src/core/status';
import type { AdminApi, DomainHealth, HealthResponse } from './api';
import { DeliveryStateBadge } from './DeliveryStateBadge';
import { HealthTimeline } from './HealthTimeline';
import { useLocalised } from './language';
import { Failure, Outcome } from './Outcome';
import { problemText } from './problem';
import { bareList } from './styles';
import type { Message } from './types';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  intro: { margin: 0 },
  list: bareList(tokens.spacingVerticalM),
  card: {
    display: 'grid',
    rowGap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  head: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
  },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  level: { color: tokens.colorNeutralForeground2 },
  sentence: { margin: 0 },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { fontWeight: tokens.fontWeightSemibold },
  detail: { margin: 0, wordBreak: 'break-word' },
  hosts: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  check: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
});

/** Why a host is refused or at risk, in the words of the delivery sentence, without its name. */
function hostProblems(verdict: DeliveryVerdict, mx: MxDelivery, language: Language): string[] {
  const detail = { tlsDomain: verdict.tlsDomain ?? '', expiry: mx.notAfter?.slice(0, 10) ?? '' };
  return mx.problems.map((code) => deliveryProblem(code, detail, language));
}

/** One forced-TLS domain: its state in words, the hosts and certificates behind it, a re-check, 90 days. */
function DomainCard({
  health,
  api,
  onChecked,
}: {
  health: DomainHealth;
  api: AdminApi;
  onChecked: (health: DomainHealth) => void;
}): ReactElement {
  const styles = useStyles();
  const { s, language } = useLocalised();
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<Message | null>(null);
  const { domain, verdict } = health;

  async function checkNow(): Promise<void> {
    setChecking(true);
    setResult(null);
    try {
      const checked = await api.checkForcedTls(domain);
      onChecked(checked);
      setResult({
        ok: true,
        text: (t) => t.tls.checked(domain, checked.state ? t.tls.states[checked.state] : t.tls.notCheckedYet),
      });
    } catch (error) {
      setResult({ ok: false, text: (t) => problemText(error, t) });
    } finally {
      setChecking(false);
    }
  }

  const headingId = useId();
  return (
    <li className={styles.card} aria-labelledby={headingId} data-domain={domain}>
      <div className={styles.head}>
        <h3 id={headingId} className={styles.h3}>
          {domain}
        </h3>
        <DeliveryStateBadge state={health.state} />
        <span className={styles.level}>
          {s.tls.levels[health.level]}
          {health.tlsDomain ? ` (${health.tlsDomain})` : ''}
        </span>
      </div>
      {!health.checkable ? (
        <p className={styles.sentence}>{s.tls.wildcard}</p>
      ) : (
        <>
          {verdict && <p className={styles.sentence}>{deliverySentence(domain, verdict, language)}</p>}
          <dl className={styles.facts}>
            <dt className={styles.term}>{s.tls.mailServers}</dt>
            <dd className={styles.detail}>
              {verdict && verdict.mx.length > 0 ? (
                <ul className={styles.hosts}>
                  {verdict.mx.map((mx) => (
                    <li key={mx.host}>
                      {mx.host} ({s.tls.hostVerdict(mx.accepted, hostProblems(verdict, mx, language))}
                      {'; '}
                      {mx.certNames.length > 0 ? s.tls.certificateFor(mx.certNames) : s.tls.noCertificate}
                      {mx.notAfter ? `, ${s.tls.expires(s.tls.date(mx.notAfter))}` : ''})
                    </li>
                  ))}
                </ul>
              ) : (
                '—'
              )}
            </dd>
            <dt className={styles.term}>{s.tls.soonestExpiry}</dt>
            <dd className={styles.detail}>
              {verdict?.soonestExpiry ? s.tls.date(verdict.soonestExpiry) : '—'}
            </dd>
            <dt className={styles.term}>{s.tls.lastCheck}</dt>
            <dd className={styles.detail}>
              {health.checkedAt ? s.dateTime(health.checkedAt) : s.tls.notCheckedYet}
              {health.since && health.checkedAt ? ` (${s.tls.since(s.dateTime(health.since))})` : ''}
            </dd>
          </dl>
          <div className={styles.check}>
            <Button
              size="small"
              disabled={checking}
              aria-label={s.tls.checkNowFor(domain)}
              onClick={() => void checkNow()}
            >
              {checking ? s.tls.checkingNow : s.tls.checkNow}
            </Button>
            {checking && <Spinner size="extra-tiny" aria-label={s.tls.checkingNow} />}
          </div>
          {result && <Outcome message={result} />}
          <HealthTimeline domain={domain} history={health.history} endAt={health.checkedAt} />
        </>
      )}
    </li>
  );
}

/**
 * Delivery health: every forced-TLS domain as its connector would see it today, problems first (the
 * server's order, kept after a re-check), with the alert channels that will tell the admin of a change.
 */
export function ForcedTlsHealth({ api, version }: { api: AdminApi; version: number }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [health, setHealth] = useState<HealthResponse | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);

  const load = useCallback(async () => {
    setFailure(null);
    try {
      setHealth(await api.forcedTlsHealth());
    } catch (error) {
      setFailure({ error });
    }
  }, [api]);
  // A policy change (a domain added, a level changed) changes what is checked and how.
  useEffect(() => {
    void load();
  }, [load, version]);

  if (failure) return <Failure text={problemText(failure.error, s)} onRetry={load} />;
  if (!health) return <Spinner label={s.tls.loadingHealth} />;
  const replace = (checked: DomainHealth): void => {
    setHealth(
      (current) =>
        current && {
          ...current,
          domains: current.domains.map((known) => (known.domain === checked.domain ? checked : known)),
        },
    );
  };
  return (
    <section className={styles.layout} aria-labelledby="health-heading">
      <h2 id="health-heading" className={styles.h2}>
        {s.tls.healthHeading}
      </h2>
      <p className={styles.intro}>
        {s.tls.healthIntro(health.intervalSeconds)} {s.tls.alerts(health.alerts)}
      </p>
      {health.domains.length === 0 ? (
        <p className={styles.intro}>{s.tls.noDomains}</p>
      ) : (
        <ul className={styles.list} aria-label={s.tls.healthList}>
          {health.domains.map((domain) => (
            <DomainCard key={domain.domain} health={domain} api={api} onChecked={replace} />
          ))}
        </ul>
      )}
    </section>
  );
}
