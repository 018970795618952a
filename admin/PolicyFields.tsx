import { Field, makeStyles, Select, SpinButton, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { PORTAL_EXPIRY_BOUNDS, type Action, type OrgPolicy } from '../src/core/policy';
import { useLocalised } from './language';

/** Form fields of the Policy tab that are more than a switch or a list. */

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalL },
});

const ACTIONS: readonly Action[] = ['allow', 'warn', 'block'];

export function ActionField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: Action;
  onChange: (action: Action) => void;
}): ReactElement {
  const { s } = useLocalised();
  return (
    <Field label={label}>
      <Select
        value={value}
        onChange={(_event, data) => {
          onChange(data.value as Action);
        }}
      >
        {ACTIONS.map((action) => (
          <option key={action} value={action}>
            {s.actions[action]}
          </option>
        ))}
      </Select>
    </Field>
  );
}

export type ExpiryKey = 'portalDefaultExpiryDays' | 'portalMaxExpiryDays';

/** A draft typed as JSON may lack the field or hold anything: the box is then empty. */
const shown = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * How long portal messages stay readable: the default and the most, in days. Whatever is typed goes into
 * the draft as it is; the server's check says what is wrong with it (out of bounds, default over maximum).
 */
export function PortalExpiryFields({
  policy,
  onChange,
}: {
  policy: OrgPolicy;
  onChange: (key: ExpiryKey, days: number) => void;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const field = (key: ExpiryKey, label: string): ReactElement => (
    <Field label={label} {...(key === 'portalMaxExpiryDays' ? { hint: s.portalExpiryHint } : {})}>
      <SpinButton
        value={shown(policy[key])}
        min={PORTAL_EXPIRY_BOUNDS.min}
        max={PORTAL_EXPIRY_BOUNDS.max}
        onChange={(_event, data) => {
          // Spun: the new value; typed: the text, once the box is left or Enter pressed.
          const days = data.value ?? Number(data.displayValue);
          if (Number.isInteger(days)) onChange(key, days);
        }}
      />
    </Field>
  );
  return (
    <div className={styles.row}>
      {field('portalDefaultExpiryDays', s.portalExpiryDefault)}
      {field('portalMaxExpiryDays', s.portalExpiryMax)}
    </div>
  );
}
