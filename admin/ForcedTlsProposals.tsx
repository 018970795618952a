import {
  Button,
  Checkbox,
  Field,
  makeStyles,
  mergeClasses,
  Spinner,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { DeliveryVerdict } from '../src/core/delivery';
import { deliveryReasons } from '../src/core/delivery-messages';
import type { ForcedTlsEntry } from '../src/core/policy';
import type { AdminApi, Proposal, ProposalsResponse } from './api';
import type { SaveEntries } from './ForcedTlsEntries';
import { useLocalised } from './language';
import { Failure, Outcome } from './Outcome';
import { problemText } from './problem';
import { TableHead } from './TableHead';
import type { Message } from './types';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  text: { margin: 0 },
  table: { borderCollapse: 'collapse', width: '100%' },
  cell: {
    textAlign: 'left',
    verticalAlign: 'top',
    paddingTop: tokens.spacingVerticalXS,
    paddingBottom: tokens.spacingVerticalXS,
    paddingRight: tokens.spacingHorizontalM,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  number: { textAlign: 'right' },
  hosts: { margin: 0, paddingLeft: 0, listStyleType: 'none' },
  certs: { color: tokens.colorNeutralForeground2 },
  script: { fontFamily: tokens.fontFamilyMonospace, minHeight: '6em' },
  actions: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
});

const DAYS = 30;

/**
 * The unsuitable domain's why as a verdict, so it reads in the words the health view and the alerts use.
 * The reasons are those of the most lenient level: what every level refuses.
 */
function whyVerdict(proposal: Proposal): DeliveryVerdict {
  return {
    level: 'encryption-only',
    tlsDomain: proposal.tlsDomain,
    state: 'failing',
    mx: proposal.mx.map((mx, preference) => ({
      host: mx.host,
      preference,
      accepted: false,
      problems: [],
      certNames: mx.certNames,
      notAfter: mx.notAfter,
    })),
    soonestExpiry: null,
    reasons: proposal.why,
  };
}

/** The entry a picked candidate becomes: its qualifying level, with the name to pin for domain validation. */
function entryFor(proposal: Proposal): ForcedTlsEntry | null {
  const level = proposal.qualifiesFor;
  if (level === null) return null;
  if (level !== 'domain-validation') return { domain: proposal.domain, level };
  return proposal.tlsDomain ? { domain: proposal.domain, level, tlsDomain: proposal.tlsDomain } : null;
}

function Hosts({ proposal }: { proposal: Proposal }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  return (
    <ul className={styles.hosts}>
      {proposal.mx.map((mx) => (
        <li key={mx.host}>
          {mx.host}{' '}
          <span className={styles.certs}>
            ({mx.certNames.length > 0 ? s.tls.certificateFor(mx.certNames) : s.tls.noCertificate})
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Connectors proposed from real traffic: candidates to pick, the PowerShell that creates their connectors
 * in Exchange Online, and one click to list them as forced TLS here; the unsuitable ones apart, with why.
 */
export function ForcedTlsProposals({
  api,
  entries,
  busy,
  onSave,
}: {
  api: AdminApi;
  entries: readonly ForcedTlsEntry[];
  busy: boolean;
  onSave: SaveEntries;
}): ReactElement {
  const styles = useStyles();
  const { s, language } = useLocalised();
  const [answer, setAnswer] = useState<ProposalsResponse | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [copied, setCopied] = useState<Message | null>(null);

  const load = useCallback(async () => {
    setFailure(null);
    try {
      setAnswer(await api.proposals(DAYS));
    } catch (error) {
      setFailure({ error });
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  if (failure) return <Failure text={problemText(failure.error, s)} onRetry={load} />;
  if (!answer) return <Spinner label={s.tls.loadingProposals} />;

  const chosen = answer.candidates.filter((proposal) => picked.has(proposal.domain));
  const script = chosen.flatMap((proposal) => (proposal.powershell ? [proposal.powershell] : [])).join('\n');
  const toggle = (domain: string, on: boolean): void => {
    setCopied(null);
    setPicked((current) => {
      const next = new Set(current);
      if (on) next.add(domain);
      else next.delete(domain);
      return next;
    });
  };

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(script);
      setCopied({ ok: true, text: (t) => t.tls.copied });
    } catch {
      setCopied({ ok: false, text: (t) => t.tls.copyFailed });
    }
  }

  const add = (): void => {
    const added = chosen.flatMap((proposal) => entryFor(proposal) ?? []);
    const domains = new Set(added.map((entry) => entry.domain));
    const next = [...entries.filter((entry) => !domains.has(entry.domain)), ...added];
    void onSave(next, (t) => t.tls.addedPicked(added.length)).then((result) => {
      if (!result.ok) return;
      setPicked(new Set());
      setCopied(null);
      void load();
    });
  };

  return (
    <section className={styles.layout} aria-labelledby="proposals-heading">
      <h2 id="proposals-heading" className={styles.h2}>
        {s.tls.proposalsHeading(answer.days)}
      </h2>
      <p className={styles.text}>{s.tls.proposalsIntro}</p>
      {answer.candidates.length === 0 ? (
        <p className={styles.text}>{s.tls.noCandidates}</p>
      ) : (
        <>
          <table className={styles.table} aria-label={s.tls.candidates}>
            <TableHead
              labels={[
                s.tls.pick,
                s.tls.domainColumn,
                s.tls.warned,
                s.tls.blocked,
                s.tls.status,
                s.tls.mailServers,
                s.tls.qualifiesFor,
              ]}
              className={(column) =>
                mergeClasses(styles.cell, (column === 2 || column === 3) && styles.number)
              }
            />
            <tbody>
              {answer.candidates.map((proposal) => (
                <tr key={proposal.domain} data-domain={proposal.domain}>
                  <td className={styles.cell}>
                    <Checkbox
                      aria-label={s.tls.pickDomain(proposal.domain)}
                      checked={picked.has(proposal.domain)}
                      onChange={(_event, data) => {
                        toggle(proposal.domain, data.checked === true);
                      }}
                    />
                  </td>
                  <td className={styles.cell}>{proposal.domain}</td>
                  <td className={mergeClasses(styles.cell, styles.number)}>{proposal.warned}</td>
                  <td className={mergeClasses(styles.cell, styles.number)}>{proposal.blocked}</td>
                  <td className={styles.cell}>{s.statuses[proposal.status]}</td>
                  <td className={styles.cell}>
                    <Hosts proposal={proposal} />
                  </td>
                  <td className={styles.cell}>
                    {proposal.qualifiesFor ? s.tls.levels[proposal.qualifiesFor] : '—'}
                    {proposal.tlsDomain ? ` (${proposal.tlsDomain})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {chosen.length === 0 ? (
            <p className={styles.text}>{s.tls.pickFirst}</p>
          ) : (
            <>
              <Field label={s.tls.powershell}>
                <Textarea
                  textarea={{ className: styles.script, spellCheck: false, readOnly: true }}
                  value={script}
                  resize="vertical"
                />
              </Field>
              <div className={styles.actions}>
                <Button onClick={() => void copy()}>{s.tls.copy}</Button>
                <Button appearance="primary" disabled={busy} onClick={add}>
                  {s.tls.addPicked(chosen.length)}
                </Button>
              </div>
              {copied && <Outcome message={copied} />}
            </>
          )}
        </>
      )}
      {answer.unsuitable.length > 0 && (
        <section aria-labelledby="unsuitable-heading">
          <h3 id="unsuitable-heading" className={styles.h3}>
            {s.tls.unsuitableHeading}
          </h3>
          <p>{s.tls.unsuitableIntro}</p>
          <ul aria-label={s.tls.unsuitable}>
            {answer.unsuitable.map((proposal) => (
              <li key={proposal.domain} data-domain={proposal.domain}>
                <strong>{proposal.domain}</strong> ({s.tls.sends(proposal.warned, proposal.blocked)};{' '}
                {s.statuses[proposal.status]}): {deliveryReasons(whyVerdict(proposal), language)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
