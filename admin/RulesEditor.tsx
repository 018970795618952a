import { Button, Checkbox, Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { CustomRule, LabelMapping, Sensitivity } from '../src/core/policy';
import { useLocalised } from './language';
import { ListField } from './ListField';

const useStyles = makeStyles({
  list: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    display: 'grid',
    rowGap: tokens.spacingVerticalM,
  },
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
  const update = (index: number, rule: CustomRule): void => {
    onChange(rules.map((existing, i) => (i === index ? rule : existing)));
  };
  return (
    <section aria-labelledby="rules-heading">
      <h3 id="rules-heading" className={styles.h3}>
        {s.orgRules}
      </h3>
      <ul className={styles.list} aria-label={s.orgRules}>
        {rules.map((rule, index) => (
          <li key={rule.id} className={styles.item} aria-label={s.rule(rule.name || rule.id)}>
            <Field label={s.name}>
              <Input
                value={rule.name}
                onChange={(_event, data) => {
                  update(index, { ...rule, name: data.value });
                }}
              />
            </Field>
            <Field label={s.kind}>
              <Select
                value={rule.kind}
                onChange={(_event, data) => {
                  const base = { id: rule.id, name: rule.name, sensitivity: rule.sensitivity };
                  update(
                    index,
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
                  update(index, { ...rule, keywords });
                }}
              />
            ) : (
              <>
                <Field label={s.pattern} className={styles.wide}>
                  <Input
                    value={rule.pattern}
                    onChange={(_event, data) => {
                      update(index, { ...rule, pattern: data.value });
                    }}
                  />
                </Field>
                <Checkbox
                  label={s.ignoreCase}
                  checked={rule.caseInsensitive}
                  onChange={(_event, data) => {
                    update(index, { ...rule, caseInsensitive: data.checked === true });
                  }}
                />
              </>
            )}
            <SensitivityField
              value={rule.sensitivity}
              onChange={(sensitivity) => {
                update(index, { ...rule, sensitivity });
              }}
            />
            <Button
              appearance="subtle"
              aria-label={s.removeRule(rule.name || rule.id)}
              onClick={() => {
                onChange(rules.filter((_rule, i) => i !== index));
              }}
            >
              {s.remove}
            </Button>
          </li>
        ))}
      </ul>
      <p>
        <Button
          onClick={() => {
            onChange([
              ...rules,
              { id: freeId(rules), name: s.newRule, kind: 'keywords', keywords: [], sensitivity: 'high' },
            ]);
          }}
        >
          {s.addRule}
        </Button>
      </p>
    </section>
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
  const update = (index: number, label: LabelMapping): void => {
    onChange(labels.map((existing, i) => (i === index ? label : existing)));
  };
  return (
    <section aria-labelledby="labels-heading">
      <h3 id="labels-heading" className={styles.h3}>
        {s.sensitivityLabels}
      </h3>
      <ul className={styles.list} aria-label={s.sensitivityLabels}>
        {labels.map((label, index) => (
          // Position as key: the label id is what is being typed.
          <li key={index} className={styles.item} aria-label={s.label(label.name || String(index + 1))}>
            <Field label={s.labelId} className={styles.wide}>
              <Input
                value={label.labelId}
                onChange={(_event, data) => {
                  update(index, { ...label, labelId: data.value.trim() });
                }}
              />
            </Field>
            <Field label={s.name}>
              <Input
                value={label.name}
                onChange={(_event, data) => {
                  update(index, { ...label, name: data.value });
                }}
              />
            </Field>
            <SensitivityField
              value={label.sensitivity}
              onChange={(sensitivity) => {
                update(index, { ...label, sensitivity });
              }}
            />
            <Button
              appearance="subtle"
              aria-label={s.removeLabel(label.name || String(index + 1))}
              onClick={() => {
                onChange(labels.filter((_label, i) => i !== index));
              }}
            >
              {s.remove}
            </Button>
          </li>
        ))}
      </ul>
      <p>
        <Button
          onClick={() => {
            onChange([...labels, { labelId: '', name: '', sensitivity: 'high' }]);
          }}
        >
          {s.addLabel}
        </Button>
      </p>
    </section>
  );
}
