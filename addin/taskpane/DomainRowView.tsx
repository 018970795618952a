import { Button, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { memo, useId } from 'react';
import type { Language } from '../../src/core/status';
import { summarizeReport } from '../../src/core/summary';
import { DomainDetails } from '../../ui/DomainDetails';
import { StatusBadge } from '../../ui/StatusBadge';
import type { DomainRow } from './controller';
import type { Strings } from './strings';

const useStyles = makeStyles({
  row: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: '2px',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderLeft: `${tokens.strokeWidthThicker} solid transparent`,
  },
  risky: {
    borderLeftColor: tokens.colorPaletteRedBorder2,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  undelivered: { borderLeftColor: tokens.colorPaletteRedBorder2 },
  head: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalS,
    rowGap: '2px',
  },
  domain: {
    margin: 0,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
    overflowWrap: 'anywhere',
    minWidth: 0,
  },
  reason: {
    margin: 0,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
    overflowWrap: 'anywhere',
  },
  stopped: {
    margin: 0,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorPaletteRedForeground1,
  },
  failing: {
    margin: 0,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorPaletteRedForeground1,
    overflowWrap: 'anywhere',
  },
  recipients: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    fontSize: tokens.fontSizeBase200,
    overflowWrap: 'anywhere',
  },
  field: { color: tokens.colorNeutralForeground3 },
  toggle: { alignSelf: 'flex-start', minWidth: 0, paddingLeft: 0, paddingRight: 0 },
  chevron: { display: 'inline-block', width: '1em' },
});

export interface DomainRowProps {
  row: DomainRow;
  language: Language;
  s: Strings;
  expanded: boolean;
  risky: boolean;
  onToggle: (domain: string) => void;
}

/**
 * One recipient domain: its status, the reason, its recipients, and the details on request. A domain under
 * the org's TLS-required connector stays "Enforced TLS" (mail never goes in clear), but when the connector
 * would refuse its servers the row says mail will bounce, and why; a delivery at risk gets a quieter note.
 */
export const DomainRowView = memo(function DomainRowView({
  row,
  language,
  s,
  expanded,
  risky,
  onToggle,
}: DomainRowProps) {
  const styles = useStyles();
  const name = row.domain || s.noDomain;
  const panelId = useId();
  const reason =
    row.report !== null
      ? summarizeReport(row.report, language)
      : row.state === 'failed'
        ? s.checkFailedReason
        : '';
  const delivery = row.report?.delivery;
  const deliveryNote = delivery && delivery.state !== 'ok' ? s.deliveryNote(name, delivery) : '';
  const failing = delivery?.state === 'failing';
  return (
    <li
      className={mergeClasses(styles.row, failing && styles.undelivered, risky && styles.risky)}
      aria-busy={row.state === 'checking'}
      data-domain={row.domain}
      data-status={row.state === 'ready' && row.report ? row.report.status : row.state}
      data-delivery={delivery?.state}
    >
      <div className={styles.head}>
        <h3 className={styles.domain}>{name}</h3>
        <StatusBadge row={row} language={language} s={s} />
      </div>
      {reason && <p className={styles.reason}>{reason}</p>}
      {deliveryNote && <p className={failing ? styles.failing : styles.reason}>{deliveryNote}</p>}
      {risky && <p className={styles.stopped}>{s.stoppedSend}</p>}
      <ul className={styles.recipients} aria-label={`${s.recipientsHeading}: ${name}`}>
        {row.recipients.map((recipient) => (
          <li key={`${recipient.field}:${recipient.address}`}>
            {recipient.displayName && recipient.displayName !== recipient.address
              ? `${recipient.displayName} <${recipient.address}>`
              : recipient.address}{' '}
            <span className={styles.field}>({s.fields[recipient.field]})</span>
          </li>
        ))}
      </ul>
      <Button
        className={styles.toggle}
        appearance="transparent"
        size="small"
        aria-expanded={expanded}
        aria-controls={expanded ? panelId : undefined}
        aria-label={s.detailsFor(name)}
        onClick={() => {
          onToggle(row.domain);
        }}
      >
        <span className={styles.chevron} aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        {s.details}
      </Button>
      {expanded && <DomainDetails row={row} s={s} id={panelId} label={s.detailsFor(name)} />}
    </li>
  );
});
