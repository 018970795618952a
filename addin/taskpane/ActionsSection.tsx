import { Button, Field, makeStyles, Select, tokens } from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import type { SecureSendResult } from './secure-send';
import type { Strings } from './strings';

const useStyles = makeStyles({
  stack: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    rowGap: tokens.spacingVerticalS,
  },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
  note: { margin: 0, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground3 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, overflowWrap: 'anywhere' },
});

export interface ActionsProps {
  s: Strings;
  /** Recipients the on-send check would warn or block about. */
  risky: string[];
  /** The decision is in (every status and the scan); until then nothing is offered for removal. */
  decided: boolean;
  onRemove: (addresses: string[]) => Promise<void>;
  /** The org policy offers the secure portal; null until the policy is in. */
  portal: boolean | null;
  /** The pane was opened by the Smart Alert: "Send securely" is the way forward, so it leads. */
  forward: boolean;
  /** Outlook can send for the pane (Mailbox 1.15). */
  canSend: boolean;
  /** The policy's default portal expiry (days): preselected, and the longest offered. */
  expiryDays: number;
  /** `expiresInDays` only when the sender chose less than the default. */
  onSendSecurely: (expiresInDays: number | undefined) => Promise<SecureSendResult>;
}

/** Shorter expiries the pane offers below the policy's default. */
const EXPIRY_CHOICES: readonly number[] = [1, 2, 3, 7, 14, 30, 60, 90, 180];

function expiryChoices(defaultDays: number): number[] {
  return [...EXPIRY_CHOICES.filter((days) => days < defaultDays), defaultDays];
}

/** Remove the risky recipients, or send through the secure portal; both after a confirmation. */
export function ActionsSection({
  s,
  risky,
  decided,
  onRemove,
  portal,
  forward,
  canSend,
  expiryDays,
  onSendSecurely,
}: ActionsProps): ReactElement {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string>('');
  // What the dialog confirms, fixed when it opens: the list must not change under the user's eyes.
  const [confirming, setConfirming] = useState<string[]>([]);
  const [secureOpen, setSecureOpen] = useState(false);
  const [secureBusy, setSecureBusy] = useState(false);
  // Fixed when the dialog opens, like the removal list; the default until the sender picks less.
  const [days, setDays] = useState(expiryDays);
  const leadSecure = portal === true && forward;

  const sendSecure = async (): Promise<void> => {
    setSecureBusy(true);
    setOutcome(s.secureBusy);
    try {
      setOutcome(s.secureOutcome(await onSendSecurely(days < expiryDays ? days : undefined)));
    } catch {
      // sendSecurely reports its failures as results; this is a bug, and the draft may be half changed.
      setOutcome(s.secureOutcome({ outcome: 'step-failed', step: 'send', restored: false }));
    } finally {
      setSecureBusy(false);
      setSecureOpen(false);
    }
  };

  const remove = async (): Promise<void> => {
    setBusy(true);
    try {
      await onRemove(confirming);
      setOutcome(s.removed(confirming.length));
    } catch {
      setOutcome(s.removeFailed);
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  const removal =
    risky.length > 0 ? (
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          if (next) setConfirming(risky);
          setOpen(next);
        }}
        trigger={
          <Button appearance={leadSecure ? 'secondary' : 'primary'}>{s.removeRisky(risky.length)}</Button>
        }
        title={s.confirmTitle}
        confirmLabel={s.confirm}
        confirmDisabled={busy}
        onConfirm={() => void remove()}
        cancelLabel={s.cancel}
      >
        <ul className={styles.list}>
          {confirming.map((address) => (
            <li key={address}>{address}</li>
          ))}
        </ul>
        <p className={styles.text}>{s.confirmBody}</p>
      </ConfirmDialog>
    ) : (
      <p className={styles.text}>{decided ? s.noRisky : s.verdictPending}</p>
    );

  const secure = (
    <>
      {portal ? (
        <ConfirmDialog
          open={secureOpen}
          onOpenChange={(next) => {
            if (next) setDays(expiryDays);
            setSecureOpen(next);
          }}
          trigger={
            <Button
              appearance={leadSecure ? 'primary' : 'secondary'}
              disabledFocusable={secureBusy}
              aria-describedby="tlsgate-secure-note"
            >
              {s.sendSecurely}
            </Button>
          }
          title={s.secureConfirmTitle}
          confirmLabel={s.secureConfirm}
          confirmDisabled={secureBusy}
          onConfirm={() => void sendSecure()}
          cancelLabel={s.cancel}
          cancelDisabled={secureBusy}
        >
          <p className={styles.text}>{s.secureConfirmBody(canSend)}</p>
          <Field label={s.secureExpiry}>
            <Select
              value={String(days)}
              disabled={secureBusy}
              onChange={(_event, data) => {
                setDays(Number(data.value));
              }}
            >
              {expiryChoices(expiryDays).map((choice) => (
                <option key={choice} value={choice}>
                  {s.expiryDays(choice, choice === expiryDays)}
                </option>
              ))}
            </Select>
          </Field>
        </ConfirmDialog>
      ) : (
        // disabledFocusable: keyboard and screen-reader users still find it and hear why it is off.
        <Button disabledFocusable aria-describedby="tlsgate-secure-note">
          {s.sendSecurely}
        </Button>
      )}
      <p id="tlsgate-secure-note" className={styles.note}>
        {portal === null ? s.portalPending : portal ? s.sendSecurelyHint : s.sendSecurelyNote}
      </p>
    </>
  );

  return (
    <section aria-labelledby="tlsgate-actions-heading" className={styles.stack}>
      <h2 id="tlsgate-actions-heading">{s.actionsHeading}</h2>
      {/* Opened by the Smart Alert with the portal on: sending securely is the way forward, so it comes first. */}
      {leadSecure ? secure : removal}
      {leadSecure ? removal : secure}
      <p role="status" className={styles.text}>
        {outcome}
      </p>
    </section>
  );
}
