import { Button, Checkbox, Field, makeStyles, Switch, Textarea, tokens } from '@fluentui/react-components';
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import {
  DETECTOR_TYPES,
  FORCED_TLS_LEVELS,
  forcedTlsEntry,
  type ForcedTlsEntry,
  type OrgPolicy,
} from '../src/core/policy';
import { isVersionConflict, type AdminApi, type Validation } from './api';
import { ChangeList } from './ChangeList';
import { useLocalised } from './language';
import { ListField } from './ListField';
import { Outcome } from './Outcome';
import { ActionField, PortalExpiryFields } from './PolicyFields';
import { Preview } from './Preview';
import { problemText } from './problem';
import { CustomRulesEditor, LabelsEditor } from './RulesEditor';
import type { AdminStrings } from './strings';
import type { Message, PolicyState } from './types';

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
  // Save stays in reach however long the policy gets.
  actions: {
    display: 'flex',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'center',
    position: 'sticky',
    bottom: 0,
    paddingTop: tokens.spacingVerticalS,
    paddingBottom: tokens.spacingVerticalS,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalL, color: tokens.colorPaletteRedForeground1 },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

const VALIDATE_DELAY_MS = 300;

/** `reason` is the browser's own (untranslated) word on the syntax error, when it gave one. */
type Parsed = { ok: true; value: unknown } | { ok: false; reason: string | null };

function parse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : null };
  }
}

/** The server's verdict on the draft, or why it could not be asked. */
type Check = Validation | { valid: false; failure: unknown };

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

type PolicyShaped = Omit<OrgPolicy, 'forcedTlsDomains'> & {
  forcedTlsDomains: Array<string | ForcedTlsEntry>;
};

/** A forced-TLS entry, or a plain domain string (the API still takes those, as encryption-only entries). */
function isForcedTlsItem(item: unknown): item is string | ForcedTlsEntry {
  if (typeof item === 'string') return true;
  if (typeof item !== 'object' || item === null) return false;
  const entry = item as Partial<Record<keyof ForcedTlsEntry, unknown>>;
  return typeof entry.domain === 'string' && FORCED_TLS_LEVELS.some((level) => level === entry.level);
}

function isPolicyShaped(value: unknown): value is PolicyShaped {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof OrgPolicy, unknown>>;
  return (
    typeof candidate.actions === 'object' &&
    Array.isArray(candidate.internalDomains) &&
    Array.isArray(candidate.trustedDomains) &&
    Array.isArray(candidate.forcedTlsDomains) &&
    candidate.forcedTlsDomains.every(isForcedTlsItem) &&
    typeof candidate.detection === 'object'
  );
}

/** The draft as the form and the preview use it: plain forced-TLS strings read as the entries they mean. */
function policyDraft(value: unknown): OrgPolicy | null {
  if (!isPolicyShaped(value)) return null;
  return { ...value, forcedTlsDomains: value.forcedTlsDomains.map(forcedTlsEntry) };
}

const DRAFT_KEY = 'tlsgate.admin.draft';

/** The unsaved editor text, kept per tab with the version it was based on. */
const drafts = {
  restore(): { version: number; text: string } | null {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) ?? 'null') as {
        version?: unknown;
        text?: unknown;
      } | null;
      return typeof saved?.version === 'number' && typeof saved.text === 'string'
        ? { version: saved.version, text: saved.text }
        : null;
    } catch {
      return null;
    }
  },
  keep(version: number, text: string): void {
    try {
      window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ version, text }));
    } catch {
      // Storage full or denied: the draft still lives in the page.
    }
  },
  clear(): void {
    window.sessionStorage.removeItem(DRAFT_KEY);
  },
};

/** What is wrong with the draft: its JSON, else what the server found (or that it could not be asked). */
function problemsOf(
  parsed: Parsed,
  validation: Check | null,
  s: AdminStrings,
): Array<{ path: string; message: string }> {
  if (!parsed.ok) return [{ path: '', message: s.notValidJson(parsed.reason) }];
  if (!validation || validation.valid) return [];
  return 'failure' in validation
    ? [{ path: '', message: problemText(validation.failure, s) }]
    : validation.problems;
}

/** Signing out forgets the unsaved edits: the next person in this tab does not inherit them. */
export function forgetPolicyDraft(): void {
  drafts.clear();
}

/** The policy editor: form fields for the everyday settings, the whole policy as JSON, checks as you type. */
export function PolicyTab({ api, policy }: { api: AdminApi; policy: PolicyState }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const savedText = useMemo(() => pretty(policy.current.policy), [policy.current]);
  const [restored] = useState(() => drafts.restore());
  const [text, setText] = useState(() => restored?.text ?? savedText);
  const [validation, setValidation] = useState<Check | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(() => {
    if (!restored || restored.text === savedText) return null;
    const now = policy.current.version;
    return {
      ok: true,
      text: (t) => (restored.version === now ? t.editsBack : t.editsBackFromOlder(restored.version, now)),
    };
  });
  // When the policy under the editor changes (someone else saved), an untouched editor follows it; edits
  // are kept, and "What will change" then compares them with the new version.
  const shownSaved = useRef(savedText);
  useEffect(() => {
    setText((current) => (current === shownSaved.current ? savedText : current));
    shownSaved.current = savedText;
  }, [savedText]);
  // Edits survive a reload and a sign-in round trip (session storage, this tab only).
  useEffect(() => {
    if (text === savedText) drafts.clear();
    else drafts.keep(policy.current.version, text);
  }, [text, savedText, policy.current.version]);

  const parsed = useMemo(() => parse(text), [text]);
  const draft = useMemo(() => (parsed.ok ? policyDraft(parsed.value) : null), [parsed]);
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
          if (!cancelled) setValidation({ valid: false, failure: error });
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
      // The server's canonical form (sorted, normalised domains) becomes the editor's text.
      setText(pretty(saved.policy));
      policy.replace(saved);
      setMessage({ ok: true, text: (t) => `${t.savedAs(saved.version)} ${t.addinsPickItUp}` });
    } catch (error) {
      if (isVersionConflict(error)) {
        await policy.reload();
        setMessage({ ok: false, text: (t) => t.policyConflict });
      } else setMessage({ ok: false, text: (t) => problemText(error, t) });
    } finally {
      setBusy(false);
    }
  }

  const problems = problemsOf(parsed, validation, s);
  const canSave = dirty && parsed.ok && validation?.valid === true && !busy;

  return (
    <div className={styles.layout}>
      <section className={styles.column} aria-labelledby="policy-heading">
        <h2 id="policy-heading" className={styles.h2}>
          {s.policyHeading(
            policy.current.version,
            policy.current.updatedAt
              ? { at: s.dateTime(policy.current.updatedAt), by: policy.current.updatedBy }
              : null,
          )}
        </h2>
        {draft && (
          <>
            <div className={styles.row}>
              {(['high', 'medium', 'low'] as const).map((level) => (
                <ActionField
                  key={level}
                  label={s.sensitivityAction[level]}
                  value={draft.actions[level]}
                  onChange={(action) => {
                    edit((p) => ({ ...p, actions: { ...p.actions, [level]: action } }));
                  }}
                />
              ))}
              <ActionField
                label={s.unknownTls}
                value={draft.unknownAs}
                onChange={(action) => {
                  edit((p) => ({ ...p, unknownAs: action }));
                }}
              />
              <ActionField
                label={s.backendUnreachable}
                value={draft.onBackendError}
                onChange={(action) => {
                  edit((p) => ({ ...p, onBackendError: action }));
                }}
              />
            </div>
            <Switch
              label={s.offerPortal}
              checked={draft.portal}
              onChange={(_event, data) => {
                edit((p) => ({ ...p, portal: data.checked }));
              }}
            />
            <PortalExpiryFields
              policy={draft}
              onChange={(key, days) => {
                edit((p) => ({ ...p, [key]: days }));
              }}
            />
            <Switch
              label={s.recordAddresses}
              checked={draft.activityAddresses}
              onChange={(_event, data) => {
                edit((p) => ({ ...p, activityAddresses: data.checked }));
              }}
            />
            <fieldset className={styles.row}>
              <legend>{s.builtInDetectors}</legend>
              {DETECTOR_TYPES.map((type) => (
                <Checkbox
                  key={type}
                  label={s.findings[type]}
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
            <CustomRulesEditor
              rules={draft.detection.customRules}
              onChange={(customRules) => {
                edit((p) => ({ ...p, detection: { ...p.detection, customRules } }));
              }}
            />
            <LabelsEditor
              labels={draft.detection.labels}
              onChange={(labels) => {
                edit((p) => ({ ...p, detection: { ...p.detection, labels } }));
              }}
            />
            <div className={styles.row}>
              <ListField
                label={s.internalDomains}
                values={draft.internalDomains}
                onChange={(internalDomains) => {
                  edit((p) => ({ ...p, internalDomains }));
                }}
              />
              <ListField
                label={s.trustedDomains}
                values={draft.trustedDomains}
                onChange={(trustedDomains) => {
                  edit((p) => ({ ...p, trustedDomains }));
                }}
              />
            </div>
          </>
        )}
        <Field
          label={s.wholePolicy}
          validationState={problems.length > 0 ? 'error' : 'none'}
          validationMessage={
            problems.length > 0 ? (
              <ul className={styles.problems} aria-label={s.problems}>
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
          <section aria-label={s.whatWillChange}>
            <h3 className={styles.h2}>{s.whatWillChange}</h3>
            <ChangeList changes={validation.changes} />
          </section>
        )}
        <div className={styles.actions}>
          <Button appearance="primary" disabled={!canSave} onClick={() => void save()}>
            {s.savePolicy}
          </Button>
          <Button
            disabled={!dirty || busy}
            onClick={() => {
              setText(savedText);
              setMessage(null);
            }}
          >
            {s.discardChanges}
          </Button>
          {dirty && parsed.ok && validation === null && <span>{s.checking}</span>}
        </div>
        {message && <Outcome message={message} />}
      </section>
      <Preview api={api} policy={draft} />
    </div>
  );
}
