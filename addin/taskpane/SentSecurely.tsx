import { Button, makeStyles, MessageBar, MessageBarBody, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { Language } from '../../src/core/status';
import type { ApiClient, PortalMessage, PortalReply } from '../shared/api';
import {
  DOWNLOAD_TIMEOUT_MS,
  formatWhen,
  newestFirst,
  problemText,
  saveBlob,
  SENT_TIMEOUT_MS,
} from './sent-securely';
import { SENT_STRINGS } from './sent-strings';
import { SentMessageRow, type RepliesState } from './SentMessageRow';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  head: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    columnGap: tokens.spacingHorizontalS,
  },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
  rows: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

export interface SentSecurelyProps {
  api: ApiClient;
  language: Language;
  now?: () => number;
  /** Where a downloaded reply attachment goes; a blob URL download by default. */
  save?: (blob: Blob, name: string) => void;
}

/**
 * The sender's portal messages, newest first, with who opened them, their expiry and replies; Revoke and
 * Extend after a confirmation. A failure is said above the list, which stays as it was.
 */
export function SentSecurely({
  api,
  language,
  now = Date.now,
  save = saveBlob,
}: SentSecurelyProps): ReactElement {
  const styles = useStyles();
  const t = SENT_STRINGS[language];
  const [messages, setMessages] = useState<PortalMessage[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [replies, setReplies] = useState<ReadonlyMap<string, RepliesState>>(() => new Map());
  const problem = (error: unknown): string => problemText(error, language, t);
  const subjectOf = (message: PortalMessage): string => message.subject ?? t.noSubject;

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setMessages(newestFirst(await api.portalMessages(SENT_TIMEOUT_MS)));
      setError('');
    } catch (caught) {
      setError(t.failed.list(problemText(caught, language, t)));
    } finally {
      setLoading(false);
    }
  }, [api, language, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const setRepliesOf = (id: string, state: RepliesState): void => {
    setReplies((current) => {
      const next = new Map(current);
      if (state === null) next.delete(id);
      else next.set(id, state);
      return next;
    });
  };

  /** Revoke or extend: the answer is the message as it is now, which replaces the row. */
  const change = async (
    message: PortalMessage,
    kind: 'revoke' | 'extend',
    call: () => Promise<PortalMessage>,
    done: (updated: PortalMessage) => string,
  ): Promise<void> => {
    setBusy(message.id);
    setStatus('');
    try {
      const updated = await call();
      setMessages((current) => current?.map((m) => (m.id === updated.id ? updated : m)) ?? null);
      if (kind === 'revoke') setRepliesOf(message.id, null);
      setError('');
      setStatus(done(updated));
    } catch (caught) {
      setError(t.failed[kind](problem(caught)));
    } finally {
      setBusy(null);
    }
  };

  const toggleReplies = (message: PortalMessage): void => {
    if (replies.has(message.id)) {
      setRepliesOf(message.id, null);
      return;
    }
    setRepliesOf(message.id, { state: 'loading' });
    api.portalReplies(message.id, SENT_TIMEOUT_MS).then(
      (list) => {
        setRepliesOf(message.id, { state: 'ready', replies: list });
      },
      (caught: unknown) => {
        setRepliesOf(message.id, null);
        setError(t.failed.replies(problem(caught)));
      },
    );
  };

  const download = (message: PortalMessage, reply: PortalReply, index: number, name: string): void => {
    api.portalReplyAttachment(message.id, reply.id, index, DOWNLOAD_TIMEOUT_MS).then(
      (blob) => {
        save(blob, name);
        setStatus(t.downloaded(name));
      },
      (caught: unknown) => {
        setError(t.failed.download(problem(caught)));
      },
    );
  };

  return (
    <section aria-labelledby="tlsgate-sent-heading" className={styles.section}>
      <div className={styles.head}>
        <h2 id="tlsgate-sent-heading">{t.heading}</h2>
        <Button size="small" disabledFocusable={loading} onClick={() => void load()}>
          {t.refresh}
        </Button>
      </div>
      {error && (
        <MessageBar intent="error" layout="multiline" role="alert">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <p role="status" className={styles.text}>
        {status}
      </p>
      {messages === null ? (
        loading && <p className={styles.text}>{t.loading}</p>
      ) : messages.length === 0 ? (
        <p className={styles.text}>{t.none}</p>
      ) : (
        <ul className={styles.rows} aria-label={t.list}>
          {messages.map((message) => (
            <SentMessageRow
              key={message.id}
              message={message}
              language={language}
              t={t}
              now={now()}
              busy={busy === message.id}
              replies={replies.get(message.id) ?? null}
              onRevoke={(m) =>
                change(
                  m,
                  'revoke',
                  () => api.revokePortalMessage(m.id, SENT_TIMEOUT_MS),
                  () => t.revoked(subjectOf(m)),
                )
              }
              onExtend={(m, expiresAt) =>
                change(
                  m,
                  'extend',
                  () => api.extendPortalMessage(m.id, expiresAt, SENT_TIMEOUT_MS),
                  (updated) => t.extended(subjectOf(m), formatWhen(updated.expiresAt, language)),
                )
              }
              onToggleReplies={toggleReplies}
              onDownload={download}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
