import { Button, Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import { useState, type ReactElement, type SyntheticEvent } from 'react';
import { FORCED_TLS_LEVELS, type ForcedTlsEntry, type ForcedTlsLevel } from '../src/core/policy';
import type { EntryErrors, SaveResult } from './forced-tls-save';
import { visuallyHidden } from '../ui/styles';
import { useLocalised } from './language';
import type { Phrase } from './strings';
import { TableHead } from './TableHead';

const useStyles = makeStyles({
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  table: { borderCollapse: 'collapse', width: '100%' },
  th: {
    textAlign: 'left',
    fontWeight: tokens.fontWeightSemibold,
    paddingBottom: tokens.spacingVerticalXS,
    paddingRight: tokens.spacingHorizontalM,
  },
  td: {
    verticalAlign: 'top',
    paddingTop: tokens.spacingVerticalXS,
    paddingBottom: tokens.spacingVerticalXS,
    paddingRight: tokens.spacingHorizontalM,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  domain: { paddingTop: tokens.spacingVerticalSNudge, wordBreak: 'break-all' },
  buttons: { display: 'flex', columnGap: tokens.spacingHorizontalXS },
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalS,
    alignItems: 'start',
  },
  add: { marginTop: '26px' },
  // Named for screen readers; the buttons below say what they do.
  hidden: visuallyHidden,
});

/** Saves the list with entry `index` (of `next`) being the one changed, so its errors can be shown there. */
export type SaveEntries = (next: ForcedTlsEntry[], done: Phrase, index?: number) => Promise<SaveResult>;

/** The entry as typed; an empty name is left out, so the server says that it is missing. */
function entryOf(domain: string, level: ForcedTlsLevel, tlsDomain: string): ForcedTlsEntry {
  const name = tlsDomain.trim();
  return level === 'domain-validation' && name !== ''
    ? { domain, level, tlsDomain: name }
    : { domain, level };
}

/**
 * The server's errors on the entry being edited, by field: `field(key)` shows one at its field, and a change
 * made through `edit` (or `text`, for an input) clears them all, so the next save is judged afresh.
 */
function useEntryErrors() {
  const [errors, setErrors] = useState<EntryErrors>({});
  const edit =
    <T,>(set: (value: T) => void) =>
    (value: T): void => {
      setErrors({});
      set(value);
    };
  return {
    setErrors,
    field: (key: keyof EntryErrors) => ({
      validationMessage: errors[key] ?? null,
      validationState: errors[key] ? ('error' as const) : ('none' as const),
    }),
    edit,
    text:
      (set: (value: string) => void) =>
      (_event: unknown, data: { value: string }): void => {
        edit(set)(data.value);
      },
  };
}

function LevelSelect({
  value,
  onChange,
  label,
}: {
  value: ForcedTlsLevel;
  onChange: (level: ForcedTlsLevel) => void;
  label?: string;
}): ReactElement {
  const { s } = useLocalised();
  return (
    <Select
      value={value}
      {...(label ? { 'aria-label': label } : {})}
      onChange={(_event, data) => {
        const level = FORCED_TLS_LEVELS.find((known) => known === data.value);
        if (level) onChange(level);
      }}
    >
      {FORCED_TLS_LEVELS.map((level) => (
        <option key={level} value={level}>
          {s.tls.levels[level]}
        </option>
      ))}
    </Select>
  );
}

/** One listed domain: its level and certificate name edited in place, saved or removed on its own. */
function EntryRow({
  entry,
  index,
  entries,
  busy,
  onSave,
}: {
  entry: ForcedTlsEntry;
  index: number;
  entries: readonly ForcedTlsEntry[];
  busy: boolean;
  onSave: SaveEntries;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [level, setLevel] = useState(entry.level);
  const [tlsDomain, setTlsDomain] = useState(entry.tlsDomain ?? '');
  const { setErrors, field, edit, text } = useEntryErrors();
  const edited = entryOf(entry.domain, level, tlsDomain);
  const dirty = edited.level !== entry.level || (edited.tlsDomain ?? '') !== (entry.tlsDomain ?? '');
  const usesName = level === 'domain-validation';

  const save = (): void => {
    setErrors({});
    const next = entries.map((known, i) => (i === index ? edited : known));
    void onSave(next, (t) => t.tls.changed(entry.domain), index).then((result) => {
      if (!result.ok && result.errors) setErrors(result.errors);
    });
  };

  return (
    <tr>
      <td className={styles.td}>
        <div className={styles.domain}>{entry.domain}</div>
      </td>
      <td className={styles.td}>
        <Field {...field('level')}>
          <LevelSelect value={level} label={s.tls.levelFor(entry.domain)} onChange={edit(setLevel)} />
        </Field>
      </td>
      <td className={styles.td}>
        <Field {...field('tlsDomain')}>
          <Input
            aria-label={s.tls.tlsDomainFor(entry.domain)}
            value={usesName ? tlsDomain : ''}
            placeholder={usesName ? 'mail.contoso.com' : s.tls.notUsed}
            disabled={!usesName}
            onChange={text(setTlsDomain)}
          />
        </Field>
      </td>
      <td className={styles.td}>
        <div className={styles.buttons}>
          <Button
            size="small"
            appearance="primary"
            disabled={busy || !dirty}
            aria-label={s.tls.saveDomain(entry.domain)}
            onClick={save}
          >
            {s.tls.save}
          </Button>
          <Button
            size="small"
            appearance="subtle"
            disabled={busy}
            aria-label={s.tls.removeDomain(entry.domain)}
            onClick={() =>
              void onSave(
                entries.filter((_known, i) => i !== index),
                (t) => t.tls.removed(entry.domain),
              )
            }
          >
            {s.remove}
          </Button>
        </div>
      </td>
    </tr>
  );
}

/** The list, how to save it, and what to do when a domain to add is already on it. */
interface EntriesProps {
  entries: readonly ForcedTlsEntry[];
  busy: boolean;
  onSave: SaveEntries;
  onDuplicate: (domain: string) => void;
}

function AddEntry({ entries, busy, onSave, onDuplicate }: EntriesProps): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [domain, setDomain] = useState('');
  const [level, setLevel] = useState<ForcedTlsLevel>('encryption-only');
  const [tlsDomain, setTlsDomain] = useState('');
  const { setErrors, field, edit, text } = useEntryErrors();

  const add = (event: SyntheticEvent): void => {
    event.preventDefault();
    const name = domain.trim().toLowerCase().replace(/^@/, '');
    if (!name) return;
    if (entries.some((entry) => entry.domain === name)) {
      onDuplicate(name);
      return;
    }
    setErrors({});
    void onSave([...entries, entryOf(name, level, tlsDomain)], (t) => t.tls.added(name), entries.length).then(
      (result) => {
        if (result.ok) {
          setDomain('');
          setTlsDomain('');
        } else if (result.errors) setErrors(result.errors);
      },
    );
  };

  return (
    <form className={styles.form} onSubmit={add} aria-label={s.tls.addHeading}>
      <Field label={s.tls.domainField} {...field('domain')}>
        <Input value={domain} onChange={text(setDomain)} />
      </Field>
      <Field label={s.tls.level} {...field('level')}>
        <LevelSelect value={level} onChange={edit(setLevel)} />
      </Field>
      {level === 'domain-validation' && (
        <Field label={s.tls.tlsDomain} hint={s.tls.tlsDomainHint} {...field('tlsDomain')}>
          <Input value={tlsDomain} placeholder="mail.contoso.com" onChange={text(setTlsDomain)} />
        </Field>
      )}
      <Button className={styles.add} type="submit" disabled={busy || domain.trim() === ''}>
        {s.tls.add}
      </Button>
    </form>
  );
}

/** The forced-TLS list: each domain with its connector's level (and TlsDomain), edited in place. */
export function ForcedTlsEntries({ entries, busy, onSave, onDuplicate }: EntriesProps): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  return (
    <section aria-labelledby="forced-heading">
      <h2 id="forced-heading" className={styles.h2}>
        {s.tls.heading(entries.length)}
      </h2>
      {entries.length === 0 ? (
        <p>{s.tls.none}</p>
      ) : (
        <table className={styles.table} aria-label={s.tls.list}>
          <TableHead
            className={styles.th}
            labels={[
              s.tls.domainColumn,
              s.tls.level,
              s.tls.tlsDomain,
              <span className={styles.hidden}>{s.tls.actionsColumn}</span>,
            ]}
          />
          <tbody>
            {entries.map((entry, index) => (
              // Keyed by the whole entry: a saved change (here or elsewhere) starts the row afresh.
              <EntryRow
                key={`${entry.domain} ${entry.level} ${entry.tlsDomain ?? ''}`}
                entry={entry}
                index={index}
                entries={entries}
                busy={busy}
                onSave={onSave}
              />
            ))}
          </tbody>
        </table>
      )}
      <h3 className={styles.h2}>{s.tls.addHeading}</h3>
      <AddEntry entries={entries} busy={busy} onSave={onSave} onDuplicate={onDuplicate} />
    </section>
  );
}
