import { Badge, type BadgeProps } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { STATUS_LABELS, type DomainStatus, type Language } from '../src/core/status';
import type { ReportRow } from './report-row';
import type { ReportStrings } from './strings';

const BADGE_COLOURS: Readonly<Record<DomainStatus, NonNullable<BadgeProps['color']>>> = {
  enforced: 'success',
  opportunistic: 'warning',
  none: 'danger',
  'no-mail': 'severe',
  unknown: 'informative',
  invalid: 'subtle',
};

/** The status as a badge with its words (never colour alone). */
export function StatusBadge({
  row,
  language,
  s,
}: {
  row: ReportRow;
  language: Language;
  s: ReportStrings;
}): ReactElement {
  const labels = STATUS_LABELS[language];
  if (row.state === 'checking')
    return (
      <Badge appearance="outline" color="informative">
        {labels.checking}
      </Badge>
    );
  if (row.state === 'failed' || !row.report)
    return (
      <Badge appearance="outline" color="important">
        {s.checkFailed}
      </Badge>
    );
  return (
    <Badge appearance="tint" color={BADGE_COLOURS[row.report.status]}>
      {labels[row.report.status]}
    </Badge>
  );
}
