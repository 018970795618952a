import { Button, makeStyles, Radio, RadioGroup, tokens } from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import type { Language } from '../../src/core/status';
import type { PortalMessage, PortalReply } from '../shared/api';
import { extendChoices, formatSize, formatWhen, isLive } from './sent-securely';
import type { SentStrings } from './sent-strings';

const useStyles = makeStyles({
  row: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    overflowWrap: 'anywhere',
  },
  subject: { margin: 0 },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
  state: { fontWeight: tokens.fontWeightSemibold },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, fontSize: tokens.fontSizeBase200 },
  actions: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalS },
  replies: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalM,
    listStyleType: 'none',
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
  },
  reply: { padding: `${tokens.spacingVerticalXS} 0` },
  replyText: { margin: 0, whiteSpace: 'pre-wrap', fontSize: tokens.fontSizeBase300 },
});

/** The replies of one message: not yet asked for, loading, or in. */
export type RepliesState = { state: 'loading' } | { state: 'ready'; replies: PortalReply[] } | null;

export interface SentMessageRowProps {
  message: PortalMessage;
  language: Language;
  t: SentStrings;
  now: number;
  busy: boolean;
  replies: RepliesState;
  onRevoke: (message: PortalMessage) => Promise<void>;
  onExtend: (message: PortalMessage, expiresAt: string) => Promise<void>;
  onToggleReplies: (message: PortalMessage) => void;
  onDownload: (message: PortalMessage, reply: PortalReply, index: number, name: string) => void;
}

/** One message: subject, state, who opened it, expiry, replies, and Revoke / Extend behind confirmations. */
export function SentMessageRow(props: SentMessageRowProps): ReactElement {
  const { message, language, t, now, busy, replies } = props;
  const styles = useStyles();
  const [revokeOpen, setRevokeOpen] = useState(false);
  const [extendOpen, setExtendOpen] = useState(false);
  const choices = extendChoices(message, now);
  const [choice, setChoice] = useState<string>('');
  const when = (iso: string): string => formatWhen(iso, language);
  const subject = message.subject ?? t.noSubject;
  const headingId = `tlsgate-sent-${message.id}`;
  const live = isLive(message);

  const expiry =
    message.status === 'revoked'
      ? t.revokedAt(when(message.closedAt ?? message.expiresAt))
      : message.status === 'expired'
        ? t.expiredAt(when(message.closedAt ?? message.expiresAt))
        : t.expires(when(message.expiresAt));

  return (
    <li className={styles.row}>
      <h3 id={headingId} className={styles.subject}>
        {subject}
      </h3>
      <p className={styles.text}>
        <span className={styles.state}>{t.states[message.status]}</span>
        {' · '}
        {t.sent(when(message.createdAt))}
        {' · '}
        {t.replies(message.replies)}
      </p>
      <p className={styles.text}>{expiry}</p>
      <ul className={styles.list} aria-label={t.recipients}>
        {message.recipients.map((recipient, index) => (
          <li key={`${recipient.address ?? ''}-${index}`}>
            {recipient.address ?? t.addressGone}:{' '}
            {recipient.firstOpenedAt ? t.openedAt(when(recipient.firstOpenedAt)) : t.notOpened}
          </li>
        ))}
      </ul>
      {live && (
        <div className={styles.actions}>
          {message.replies > 0 && (
            <Button
              size="small"
              aria-expanded={replies !== null}
              aria-describedby={headingId}
              onClick={() => {
                props.onToggleReplies(message);
              }}
            >
              {replies === null ? t.showReplies(message.replies) : t.hideReplies}
            </Button>
          )}
          <ConfirmDialog
            modalType="modal"
            open={extendOpen}
            onOpenChange={(next) => {
              if (next) setChoice(choices[0]?.expiresAt ?? '');
              setExtendOpen(next);
            }}
            trigger={
              <Button
                size="small"
                disabledFocusable={busy || choices.length === 0}
                aria-describedby={choices.length === 0 ? `${headingId}-max` : headingId}
              >
                {t.extend}
              </Button>
            }
            title={t.extendTitle}
            confirmLabel={t.extendConfirm}
            confirmDisabled={busy || choice === ''}
            onConfirm={() => {
              void props.onExtend(message, choice).finally(() => {
                setExtendOpen(false);
              });
            }}
            cancelLabel={t.cancel}
          >
            <p className={styles.text}>{t.extendBody(when(message.maxExpiresAt))}</p>
            <RadioGroup
              value={choice}
              aria-label={t.extendTitle}
              onChange={(_event, data) => {
                setChoice(data.value);
              }}
            >
              {choices.map((option) => (
                <Radio
                  key={option.kind}
                  value={option.expiresAt}
                  label={t.extendChoices[option.kind](when(option.expiresAt))}
                />
              ))}
            </RadioGroup>
          </ConfirmDialog>
          <ConfirmDialog
            open={revokeOpen}
            onOpenChange={setRevokeOpen}
            trigger={
              <Button size="small" disabledFocusable={busy} aria-describedby={headingId}>
                {t.revoke}
              </Button>
            }
            title={t.revokeTitle}
            confirmLabel={t.revokeConfirm}
            confirmDisabled={busy}
            onConfirm={() => {
              void props.onRevoke(message).finally(() => {
                setRevokeOpen(false);
              });
            }}
            cancelLabel={t.cancel}
          >
            <p className={styles.text}>{t.revokeBody(subject)}</p>
          </ConfirmDialog>
        </div>
      )}
      {live && choices.length === 0 && (
        <p id={`${headingId}-max`} className={styles.text}>
          {t.atMaximum}
        </p>
      )}
      {replies?.state === 'loading' && <p className={styles.text}>{t.loadingReplies}</p>}
      {replies?.state === 'ready' && (
        <ul className={styles.replies} aria-label={t.repliesOf(subject)}>
          {replies.replies.map((reply) => (
            <li key={reply.id} className={styles.reply}>
              <h4 className={styles.subject}>{t.replyFrom(reply.from, when(reply.at))}</h4>
              <p className={styles.replyText}>{reply.text}</p>
              {reply.attachments.length > 0 && (
                <ul className={styles.list} aria-label={t.attachments}>
                  {reply.attachments.map((file) => {
                    const label = `${file.name} (${formatSize(file.size, language)})`;
                    return (
                      <li key={file.index}>
                        <Button
                          size="small"
                          appearance="subtle"
                          aria-label={t.download(label)}
                          onClick={() => {
                            props.onDownload(message, reply, file.index, file.name);
                          }}
                        >
                          {label}
                        </Button>
                      </li>
                    );
                  })}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
