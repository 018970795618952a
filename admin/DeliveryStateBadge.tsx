import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { DeliveryState } from '../src/core/delivery';
import { useLocalised } from './language';

const useStyles = makeStyles({
  badge: {
    display: 'inline-flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXS,
    paddingLeft: tokens.spacingHorizontalS,
    paddingRight: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
  },
  ok: {
    color: tokens.colorStatusSuccessForeground1,
    backgroundColor: tokens.colorStatusSuccessBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorStatusSuccessBorder1}`,
  },
  'at-risk': {
    color: tokens.colorStatusWarningForeground3,
    backgroundColor: tokens.colorStatusWarningBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorStatusWarningBorder1}`,
  },
  failing: {
    color: tokens.colorStatusDangerForeground1,
    backgroundColor: tokens.colorStatusDangerBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorStatusDangerBorder1}`,
  },
  unchecked: {
    color: tokens.colorNeutralForeground2,
    backgroundColor: tokens.colorNeutralBackground3,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

/** A tick, a warning triangle, a cross; a dash when not checked. Decorative: the word beside it says it. */
function Icon({ state }: { state: DeliveryState | null }): ReactElement {
  const paths: Record<DeliveryState | 'none', string> = {
    ok: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1Zm3.1 4.4a.6.6 0 0 0-.85 0L7 8.65 5.75 7.4a.6.6 0 1 0-.85.85l1.67 1.67a.6.6 0 0 0 .85 0l3.68-3.67a.6.6 0 0 0 0-.85Z',
    'at-risk':
      'M7.13 1.5a1 1 0 0 1 1.74 0l6.5 11.5A1 1 0 0 1 14.5 14.5h-13a1 1 0 0 1-.87-1.5Zm.87 3.6a.6.6 0 0 0-.6.6v3.6a.6.6 0 1 0 1.2 0V5.7a.6.6 0 0 0-.6-.6Zm0 6.1a.75.75 0 1 0 0 1.5.75.75 0 0 0 0-1.5Z',
    failing:
      'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1ZM5.9 5.05a.6.6 0 0 0-.85.85L7.15 8l-2.1 2.1a.6.6 0 1 0 .85.85L8 8.85l2.1 2.1a.6.6 0 1 0 .85-.85L8.85 8l2.1-2.1a.6.6 0 0 0-.85-.85L8 7.15Z',
    none: 'M4 7.4h8v1.2H4Z',
  };
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={paths[state ?? 'none']} fill="currentColor" />
    </svg>
  );
}

/** A delivery state in words, colour and an icon (never colour alone); null is "not checked yet". */
export function DeliveryStateBadge({ state }: { state: DeliveryState | null }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  return (
    <span
      className={mergeClasses(styles.badge, styles[state ?? 'unchecked'])}
      data-state={state ?? 'unchecked'}
    >
      <Icon state={state} />
      {state ? s.tls.states[state] : s.tls.unchecked}
    </span>
  );
}
