import { Button, Checkbox, Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { CustomRule, LabelMapping, Sensitivity } from '../src/core/policy';
import { useLocalised } from './language';
import { ListField } from './ListField';
import { bareList } from './styles';

const useStyles = makeStyles({
  list: bareList(tokens.spacingVerticalM),
  item: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'end',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  wide: { flexGrow: 1, minWidth: '16em' },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
});

const SENSITIVITIES: readonly Sensitivity[] = ['high', 'medium', 'low'];

function SensitivityField({
  value,
  onChange,
}: {
  value: Sensitivity;
  onChange: (value: Sensitivity) => void;
}): ReactElement {
  const { s } = useLocalised();
  return (
    <Field label={s.sensitivity}>
      <Select
        value={value}
        onChange={(_event, data) => {
          onChange(data.value as Sensitivity);
        }}
      >
        {SENSITIVITIES.map((sensitivity) => (
          <option key={sensitivity} value={sensitivity}>
            {s.sensitivities[sensitivity]}
          </option>
        ))}
      </Select>
    </Field>
  );
}

/** The first `rule-N` id no rule has yet (ids are what findings and audit entries refer to). */
function freeId(rules: readonly CustomRule[]): string {
  const taken = new Set(rules.map((rule) => rule.id));
  let n = rules.length + 1;
  while (taken.has(`rule-${n}`)) n++;
  return `rule-${n}`;
}

/**
 * A titled list of entries edited in place, each with its fields and a Remove button, plus an Add button:
 * the shape both the rules and the labels take.
 */
function EditableList<T>({
  id,
  title,
  items,
  onChange,
  keyOf,
  nameOf,
  removeLabel,
  addLabel,
  newItem,
  fields,
}: {
  id: string;
  title: string;
  items: readonly T[];
  onChange: (items: T[]) => void;
  keyOf: (item: T, index: number) => string | number;
  /** The entry's accessible name (its list item) and the name its Remove button refers to. */
  nameOf: (item: T, index: number) => { item: string; remove: string };
  removeLabel: string;
  addLabel: string;
  newItem: () => T;
  fields: (item: T, update: (item: T) => void) => ReactElement;
}): ReactElement {
  const styles = useStyles();
  return (
    <section aria-labelledby={id}>
      <h3 id={id} className={styles.h3}>
        {title}
      </h3>
      <ul className={styles.list} aria-label={title}>
        {items.map((item, index) => {
          const names = nameOf(item, index);
          return (
            <li key={keyOf(item, index)} className={styles.item} aria-label={names.item}>
              {fields(item, (changed) => {
                onChange(items.map((existing, i) => (i === index ? changed : existing)));
              })}
              <Button
                appearance="subtle"
                aria-label={names.remove}
                onClick={() => {
                  onChange(items.filter((_item, i) => i !== index));
                }}
              >
                {removeLabel}
              </Button>
            </li>
          );
        })}
      </ul>
      <p>
        <Button
          onClick={() => {
            onChange([...items, newItem()]);
          }}
        >
          {addLabel}
        </Button>
      </p>
    </section>
  );
}

/** The organisation's own detection rules: keyword lists and (RE2-safe) regular expressions. */
export function CustomRulesEditor({
  rules,
  onChange,
}: {
  rules: readonly CustomRule[];
  onChange: (rules: CustomRule[]) => void;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  return (
    <EditableList
      id="rules-heading"
      title={s.orgRules}
      items={rules}
      onChange={onChange}
      keyOf={(rule) => rule.id}
      nameOf={(rule) => ({ item: s.rule(rule.name || rule.id), remove: s.removeRule(rule.name || rule.id) })}
      removeLabel={s.remove}
      addLabel={s.addRule}
      newItem={(): CustomRule => ({
        id: freeId(rules),
        name: s.newRule,
        kind: 'keywords',
        keywords: [],
        sensitivity: 'high',
      })}
      fields={(rule, update) => (
        <>
          <Field label={s.name}>
            <Input
              value={rule.name}
              onChange={(_event, data) => {
                update({ ...rule, name: data.value });
              }}
            />
          </Field>
          <Field label={s.kind}>
            <Select
              value={rule.kind}
              onChange={(_event, data) => {
                const base = { id: rule.id, name: rule.name, sensitivity: rule.sensitivity };
                update(
                  data.value === 'regex'
                    ? { ...base, kind: 'regex', pattern: '', caseInsensitive: true }
                    : { ...base, kind: 'keywords', keywords: [] },
                );
              }}
            >
              <option value="keywords">{s.kinds.keywords}</option>
              <option value="regex">{s.kinds.regex}</option>
            </Select>
          </Field>
          {rule.kind === 'keywords' ? (
            <ListField
              className={styles.wide}
              label={s.keywords}
              values={rule.keywords}
              onChange={(keywords) => {
                update({ ...rule, keywords });
              }}
            />
          ) : (
            <>
              <Field label={s.pattern} className={styles.wide}>
                <Input
                  value={rule.pattern}
                  onChange={(_event, data) => {
                    update({ ...rule, pattern: data.value });
                  }}
                />
              </Field>
              <Checkbox
                label={s.ignoreCase}
                checked={rule.caseInsensitive}
                onChange={(_event, data) => {
                  update({ ...rule, caseInsensitive: data.checked === true });
                }}
              />
            </>
          )}
          <SensitivityField
            value={rule.sensitivity}
            onChange={(sensitivity) => {
              update({ ...rule, sensitivity });
            }}
          />
        </>
      )}
    />
  );
}

/** Microsoft Purview sensitivity labels and how sensitive a message carrying each one is. */
export function LabelsEditor({
  labels,
  onChange,
}: {
  labels: readonly LabelMapping[];
  onChange: (labels: LabelMapping[]) => void;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  return (
    <EditableList
      id="labels-heading"
      title={s.sensitivityLabels}
      items={labels}
      onChange={onChange}
      // Position as key: the label id is what is being typed.
      keyOf={(_label, index) => index}
      nameOf={(label, index) => ({
        item: s.label(label.name || String(index + 1)),
        remove: s.removeLabel(label.name || String(index + 1)),
      })}
      removeLabel={s.remove}
      addLabel={s.addLabel}
      newItem={(): LabelMapping => ({ labelId: '', name: '', sensitivity: 'high' })}
      fields={(label, update) => (
        <>
          <Field label={s.labelId} className={styles.wide}>
            <Input
              value={label.labelId}
              onChange={(_event, data) => {
                update({ ...label, labelId: data.value.trim() });
              }}
            />
          </Field>
          <Field label={s.name}>
            <Input
              value={label.name}
              onChange={(_event, data) => {
                update({ ...label, name: data.value });
              }}
            />
          </Field>
          <SensitivityField
            value={label.sensitivity}
            onChange={(sensitivity) => {
              update({ ...label, sensitivity });
            }}
          />
        </>
      )}
    />
  );
}
