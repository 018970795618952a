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
import { LOOKUP_TIMEOUT_MS, type AdminApi } from './api';
import { useLocalised } from './language';
import { PREVIEW_SAMPLES, previewLines } from './preview';
import { problemText } from './problem';
import { bareList } from './styles';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  form: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'end' },
  list: bareList(tokens.spacingVerticalS),
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
  const { s } = useLocalised();
  const [input, setInput] = useState('gmail.com');
  const [domain, setDomain] = useState('gmail.com');
  const [report, setReport] = useState<DomainReport | null>(null);
  const [ownText, setOwnText] = useState('');
  const [lookupError, setLookupError] = useState<{ error: unknown } | null>(null);

  useEffect(() => {
    let cancelled = false;
    setReport(null);
    setLookupError(null);
    api.lookups.lookup([domain], LOOKUP_TIMEOUT_MS).then(
      ([found]) => {
        if (!cancelled) setReport(found ?? null);
      },
      (error: unknown) => {
        if (!cancelled) setLookupError({ error });
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
        ? [...PREVIEW_SAMPLES, { id: 'own' as const, subject: '', body: ownText }]
        : PREVIEW_SAMPLES;
      return previewLines(policy, report.domain || domain, report, samples, sender, s);
    } catch {
      // A draft the server has not accepted yet can be shaped in ways decide() does not expect.
      return null;
    }
  }, [policy, report, domain, ownText, s]);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const next = input.trim().toLowerCase();
    if (next) setDomain(next);
  };

  return (
    <section className={styles.panel} aria-labelledby="preview-heading">
      <h2 id="preview-heading" className={styles.h2}>
        {s.preview}
      </h2>
      <form className={styles.form} onSubmit={submit}>
        <Field label={s.recipientDomain}>
          <Input
            value={input}
            onChange={(_event, data) => {
              setInput(data.value);
            }}
          />
        </Field>
        <Button type="submit">{s.show}</Button>
      </form>
      <Field label={s.ownText}>
        <Textarea
          value={ownText}
          resize="vertical"
          onChange={(_event, data) => {
            setOwnText(data.value.slice(0, 20_000));
          }}
        />
      </Field>
      {lookupError && <p role="alert">{problemText(lookupError.error, s)}</p>}
      {!lookupError && !report && <Spinner size="tiny" label={s.lookingUpDomain(domain)} />}
      {report && (
        <p>
          {report.domain || domain}: <Badge appearance="tint">{s.statuses[report.status]}</Badge>
        </p>
      )}
      {report && !lines && <p>{s.fixProblems}</p>}
      {lines && (
        <ul className={styles.list} aria-label={s.whatPolicyWouldDo} aria-live="polite">
          {lines.map((line) => (
            <li key={line.sampleId} data-sample={line.sampleId}>
              {line.lead}{' '}
              <Badge appearance="filled" color={ACTION_COLOURS[line.action]}>
                {s.actions[line.action]}
              </Badge>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
