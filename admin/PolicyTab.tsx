import {
  Button,
  Checkbox,
  Field,
  makeStyles,
  Select,
  Switch,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { DETECTOR_TYPES, type Action, type OrgPolicy } from '../src/core/policy';
import { problemText, type AdminApi, type Validation } from './api';
import { Failure, Success, type PolicyState } from './App';
import { ChangeList } from './ChangeList';
import { DETECTOR_LABELS } from './labels';
import { Preview } from './Preview';

const useStyles = makeStyles({
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)',
    columnGap: tokens.spacingHorizontalXXL,
    '@media (max-width: 800px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  column: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  row: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalL },
  json: { fontFamily: tokens.fontFamilyMonospace, minHeight: '18em' },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'center' },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalL, color: tokens.colorPaletteRedForeground1 },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

const ACTIONS: readonly Action[] = ['allow', 'warn', 'block'];
const VALIDATE_DELAY_MS = 300;

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function parse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      message: `Not valid JSON: ${error instanceof Error ? error.message : 'syntax error'}`,
    };
  }
}

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

function isPolicyShaped(value: unknown): value is OrgPolicy {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<OrgPolicy>;
  return (
    typeof candidate.actions === 'object' &&
    Array.isArray(candidate.internalDomains) &&
    Array.isArray(candidate.trustedDomains) &&
    Array.isArray(candidate.forcedTlsDomains) &&
    typeof candidate.detection === 'object'
  );
}

const lines = (list: readonly string[]): string => list.join('\n');
const unlines = (text: string): string[] =>
  text
    .split(/[\n,;]+/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

/** The policy editor: form fields for the everyday settings, the whole policy as JSON, checks as you type. */
export function PolicyTab({ api, policy }: { api: AdminApi; policy: PolicyState }): ReactElement {
  const styles = useStyles();
  const savedText = useMemo(() => pretty(policy.current.policy), [policy.current]);
  const [text, setText] = useState(savedText);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setText(savedText);
  }, [savedText]);

  const parsed = useMemo(() => parse(text), [text]);
  const draft = parsed.ok && isPolicyShaped(parsed.value) ? parsed.value : null;
  const dirty = text !== savedText;

  // The server is the judge (the same schema and lockout check as saving); asked once typing pauses.
  useEffect(() => {
    setValidation(null);
    if (!parsed.ok || !dirty) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.validatePolicy(parsed.value).then(
        (result) => {
          if (!cancelled) setValidation(result);
        },
        (error: unknown) => {
          if (!cancelled)
            setValidation({
              valid: false,
              problems: [{ path: '', message: problemText(error), code: 'UNCHECKED' }],
            });
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, parsed, dirty]);

  const edit = (change: (policy: OrgPolicy) => OrgPolicy): void => {
    if (!draft) return;
    setMessage(null);
    setText(pretty(change(draft)));
  };

  async function save(): Promise<void> {
    if (!parsed.ok) return;
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.savePolicy(parsed.value as OrgPolicy, policy.current.version);
      policy.replace(saved);
      setMessage({ ok: true, text: `Saved as version ${saved.version}. Add-ins pick it up within minutes.` });
    } catch (error) {
      setMessage({ ok: false, text: problemText(error) });
    } finally {
      setBusy(false);
    }
  }

  const problems = !parsed.ok
    ? [{ path: '', message: parsed.message, code: 'JSON' }]
    : validation && !validation.valid
      ? validation.problems
      : [];
  const canSave = dirty && parsed.ok && validation?.valid === true && !busy;

  return (
    <div className={styles.layout}>
      <section className={styles.column} aria-labelledby="policy-heading">
        <h2 id="policy-heading" className={styles.h2}>
          Policy (version {policy.current.version}
          {policy.current.updatedAt
            ? `, changed ${new Date(policy.current.updatedAt).toLocaleString()} by ${policy.current.updatedBy}`
            : ', the default'}
          )
        </h2>
        {draft && (
          <>
            <div className={styles.row}>
              {(['high', 'medium', 'low'] as const).map((level) => (
                <Field key={level} label={`${level[0]?.toUpperCase() ?? ''}${level.slice(1)} sensitivity`}>
                  <Select
                    value={draft.actions[level]}
                    onChange={(_event, data) => {
                      edit((p) => ({ ...p, actions: { ...p.actions, [level]: data.value as Action } }));
                    }}
                  >
                    {ACTIONS.map((action) => (
                      <option key={action}>{action}</option>
                    ))}
                  </Select>
                </Field>
              ))}
              <Field label="Unknown TLS">
                <Select
                  value={draft.unknownAs}
                  onChange={(_event, data) => {
                    edit((p) => ({ ...p, unknownAs: data.value as Action }));
                  }}
                >
                  {ACTIONS.map((action) => (
                    <option key={action}>{action}</option>
                  ))}
                </Select>
              </Field>
              <Field label="Backend unreachable">
                <Select
                  value={draft.onBackendError}
                  onChange={(_event, data) => {
                    edit((p) => ({ ...p, onBackendError: data.value as Action }));
                  }}
                >
                  {ACTIONS.map((action) => (
                    <option key={action}>{action}</option>
                  ))}
                </Select>
              </Field>
            </div>
            <Switch
              label="Offer the secure portal"
              checked={draft.portal}
              onChange={(_event, data) => {
                edit((p) => ({ ...p, portal: data.checked }));
              }}
            />
            <Switch
              label="Record recipient addresses in the activity view (otherwise domains only)"
              checked={draft.activityAddresses}
              onChange={(_event, data) => {
                edit((p) => ({ ...p, activityAddresses: data.checked }));
              }}
            />
            <fieldset className={styles.row}>
              <legend>Built-in detectors</legend>
              {DETECTOR_TYPES.map((type) => (
                <Checkbox
                  key={type}
                  label={DETECTOR_LABELS[type]}
                  checked={!draft.detection.disabledDetectors.includes(type)}
                  onChange={(_event, data) => {
                    edit((p) => ({
                      ...p,
                      detection: {
                        ...p.detection,
                        disabledDetectors: data.checked
                          ? p.detection.disabledDetectors.filter((d) => d !== type)
                          : [...p.detection.disabledDetectors, type],
                      },
                    }));
                  }}
                />
              ))}
            </fieldset>
            <div className={styles.row}>
              <Field label="Internal domains (one per line)">
                <Textarea
                  value={lines(draft.internalDomains)}
                  onChange={(_event, data) => {
                    edit((p) => ({ ...p, internalDomains: unlines(data.value) }));
                  }}
                />
              </Field>
              <Field label="Trusted partner domains (one per line)">
                <Textarea
                  value={lines(draft.trustedDomains)}
                  onChange={(_event, data) => {
                    edit((p) => ({ ...p, trustedDomains: unlines(data.value) }));
                  }}
                />
              </Field>
            </div>
          </>
        )}
        <Field
          label="The whole policy (JSON): custom rules, labels and everything above"
          validationState={problems.length > 0 ? 'error' : 'none'}
          validationMessage={
            problems.length > 0 ? (
              <ul className={styles.problems} aria-label="Problems">
                {problems.map((problem, index) => (
                  <li key={index}>
                    {problem.path ? <code>{problem.path}</code> : null}
                    {problem.path ? ': ' : ''}
                    {problem.message}
                  </li>
                ))}
              </ul>
            ) : null
          }
        >
          <Textarea
            className={styles.json}
            textarea={{ className: styles.json, spellCheck: false }}
            value={text}
            resize="vertical"
            onChange={(_event, data) => {
              setMessage(null);
              setText(data.value);
            }}
          />
        </Field>
        {validation?.valid && dirty && (
          <section aria-label="What will change">
            <h3 className={styles.h2}>What will change</h3>
            <ChangeList changes={validation.changes} />
          </section>
        )}
        <div className={styles.actions}>
          <Button appearance="primary" disabled={!canSave} onClick={() => void save()}>
            Save policy
          </Button>
          <Button
            disabled={!dirty || busy}
            onClick={() => {
              setText(savedText);
              setMessage(null);
            }}
          >
            Discard changes
          </Button>
          {dirty && parsed.ok && validation === null && <span>Checking…</span>}
        </div>
        {message && (message.ok ? <Success text={message.text} /> : <Failure text={message.text} />)}
      </section>
      <Preview api={api} policy={draft} />
    </div>
  );
}
