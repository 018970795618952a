import {
  Badge,
  Button,
  Field,
  Input,
  makeStyles,
  Spinner,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState, type SyntheticEvent, type ReactElement } from 'react';
import type { Action, OrgPolicy } from '../src/core/policy';
import type { DomainReport } from '../src/core/report';
import { STATUS_LABELS } from '../src/core/status';
import { LOOKUP_TIMEOUT_MS, problemText, type AdminApi } from './api';
import { PREVIEW_SAMPLES, previewLines } from './preview';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  form: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'end' },
  list: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    display: 'grid',
    rowGap: tokens.spacingVerticalS,
  },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

const ACTION_COLOURS: Readonly<Record<Action, 'success' | 'warning' | 'danger'>> = {
  allow: 'success',
  warn: 'warning',
  block: 'danger',
};

/** "With this policy, sending a BSN to gmail.com would: warn", recomputed on every edit of the draft. */
export function Preview({ api, policy }: { api: AdminApi; policy: OrgPolicy | null }): ReactElement {
  const styles = useStyles();
  const [input, setInput] = useState('gmail.com');
  const [domain, setDomain] = useState('gmail.com');
  const [report, setReport] = useState<DomainReport | null>(null);
  const [ownText, setOwnText] = useState('');
  const [lookupError, setLookupError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setReport(null);
    setLookupError(null);
    api.lookups.lookup([domain], LOOKUP_TIMEOUT_MS).then(
      ([found]) => {
        if (!cancelled) setReport(found ?? null);
      },
      (error: unknown) => {
        if (!cancelled) setLookupError(problemText(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, domain]);

  const lines = useMemo(() => {
    if (!policy || !report) return null;
    try {
      const sender = `admin@${policy.internalDomains[0] ?? 'your-organisation.invalid'}`;
      const samples = ownText.trim()
        ? [...PREVIEW_SAMPLES, { id: 'own', label: 'your text', subject: '', body: ownText }]
        : PREVIEW_SAMPLES;
      return previewLines(policy, report.domain || domain, report, samples, sender);
    } catch {
      // A draft the server has not accepted yet can be shaped in ways decide() does not expect.
      return null;
    }
  }, [policy, report, domain, ownText]);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const next = input.trim().toLowerCase();
    if (next) setDomain(next);
  };

  return (
    <section className={styles.panel} aria-labelledby="preview-heading">
      <h2 id="preview-heading" className={styles.h2}>
        Preview
      </h2>
      <form className={styles.form} onSubmit={submit}>
        <Field label="Recipient domain">
          <Input
            value={input}
            onChange={(_event, data) => {
              setInput(data.value);
            }}
          />
        </Field>
        <Button type="submit">Show</Button>
      </form>
      <Field label="Your own text (to try the organisation rules; it stays in this page)">
        <Textarea
          value={ownText}
          resize="vertical"
          onChange={(_event, data) => {
            setOwnText(data.value.slice(0, 20_000));
          }}
        />
      </Field>
      {lookupError && <p role="alert">{lookupError}</p>}
      {!lookupError && !report && <Spinner size="tiny" label={`Looking up ${domain}…`} />}
      {report && (
        <p>
          {report.domain || domain}: <Badge appearance="tint">{STATUS_LABELS.en[report.status]}</Badge>
        </p>
      )}
      {report && !lines && <p>Fix the problems in the policy to see what it would do.</p>}
      {lines && (
        <ul className={styles.list} aria-label="What the policy would do" aria-live="polite">
          {lines.map((line) => (
            <li key={line.sampleId} data-sample={line.sampleId}>
              {line.lead}{' '}
              <Badge appearance="filled" color={ACTION_COLOURS[line.action]}>
                {line.action}
              </Badge>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
