import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactElement,
} from 'react';
import type { Language } from '../../src/core/status';
import { visuallyHidden } from '../../ui/styles';
import type { SendContext } from '../launchevent/send-check';
import { ContentSection } from './ContentSection';
import type { PaneController, PaneSnapshot } from './controller';
import { DomainRowView } from './DomainRowView';
import { PaneViews } from './PaneViews';
import { markRowsPaintedAfterFrame } from './perf';
import { STRINGS, type Strings } from './strings';

/**
 * The actions (the confirmation dialogs, the portal's "Send securely") come in their own chunk: Fluent's
 * Dialog with its motion, portal and focus trap is not needed to paint the recipients. The chunk is
 * requested as the pane first renders, so it is in long before a click. (`as string`: see PaneViews.tsx.)
 */
type ActionsModule = typeof import('./ActionsSection.js');
const ActionsSection = lazy(() =>
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- it hides the path from tsc
  (import('./ActionsSection' as string) as Promise<ActionsModule>).then((module) => ({
    default: module.ActionsSection,
  })),
);

const useStyles = makeStyles({
  pane: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}`,
    maxWidth: '640px',
    boxSizing: 'border-box',
    '& h2': { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
    '& h3': { fontSize: tokens.fontSizeBase300 },
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  head: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    columnGap: tokens.spacingHorizontalS,
    marginBottom: tokens.spacingVerticalXS,
  },
  rows: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
  hidden: visuallyHidden,
});

function statusLine(snapshot: PaneSnapshot, s: Strings): string {
  if (!snapshot.loaded) return s.readingRecipients;
  const checking = snapshot.rows.filter((row) => row.state === 'checking').length;
  if (checking > 0) return s.checking(checking);
  if (snapshot.rows.length === 0) return '';
  const risky = snapshot.rows.filter((row) => row.report?.status !== 'enforced').length;
  // Enforced, and yet the connector would refuse every mail server: said apart, as such mail bounces.
  const failing = snapshot.rows.filter((row) => row.report?.delivery?.state === 'failing').length;
  return s.checked(snapshot.rows.length, risky, failing);
}

/** Opened by the Smart Alert: why the send was stopped, in the words the alert used. */
function StoppedBanner({
  snapshot,
  context,
  language,
  s,
}: {
  snapshot: PaneSnapshot;
  context: SendContext;
  language: Language;
  s: Strings;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Screen-reader and keyboard users land on the reason first.
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} role="region" aria-label={s.stoppedTitles[context.reason]}>
      <MessageBar intent={context.action === 'block' ? 'error' : 'warning'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{s.stoppedTitles[context.reason]}</MessageBarTitle>
          <span>{snapshot.decision ? snapshot.decision.message[language] : s.verdictPending}</span>
        </MessageBarBody>
      </MessageBar>
    </div>
  );
}

export interface TaskPaneProps {
  controller: PaneController;
  language: Language;
}

/** The Recipients view: the draft's domains, content and actions. */
function ComposePane({ controller, language }: TaskPaneProps): ReactElement {
  const styles = useStyles();
  const s = STRINGS[language];
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());

  useEffect(() => {
    void controller.start();
    // Outlook tells add-ins nothing about body edits; coming back to the pane is when its verdict matters.
    const rescan = (): void => {
      if (controller.getSnapshot().scan.state !== 'scanning') void controller.scan();
    };
    window.addEventListener('focus', rescan);
    return () => {
      window.removeEventListener('focus', rescan);
      controller.dispose();
    };
  }, [controller]);

  // Opened by the Smart Alert: the domains that stopped the send start expanded.
  const riskyDomains = snapshot.context?.riskyDomains;
  useEffect(() => {
    if (riskyDomains?.length) setExpanded((current) => new Set([...current, ...riskyDomains]));
  }, [riskyDomains]);

  useLayoutEffect(() => {
    if (snapshot.statusVersion > 0) markRowsPaintedAfterFrame();
  }, [snapshot.statusVersion]);

  const toggle = useCallback((domain: string) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(domain)) next.delete(domain);
      else next.add(domain);
      return next;
    });
  }, []);

  const risky = useMemo(
    () => [
      ...new Set(
        (snapshot.decision?.perRecipient ?? []).filter((r) => r.action !== 'allow').map((r) => r.address),
      ),
    ],
    [snapshot.decision],
  );
  const stoppedBy = new Set(riskyDomains ?? []);
  const checking = snapshot.rows.some((row) => row.state === 'checking');
  const problem = snapshot.problem;

  return (
    <>
      {snapshot.context && (
        <StoppedBanner snapshot={snapshot} context={snapshot.context} language={language} s={s} />
      )}
      {(problem ?? snapshot.officeFailed) && (
        <MessageBar intent="error" layout="multiline" role="alert">
          <MessageBarBody>{problem ? s.problems[problem] : s.officeFailed}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void controller.retry()}>{s.retry}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <section aria-labelledby="tlsgate-recipients-heading">
        <div className={styles.head}>
          <h2 id="tlsgate-recipients-heading">{s.recipientsHeading}</h2>
          <Button
            size="small"
            // Focusable while off, so a keyboard user who pressed it keeps their place.
            disabledFocusable={checking || snapshot.rows.length === 0}
            onClick={() => void controller.refresh()}
          >
            {s.refresh}
          </Button>
        </div>
        <p role="status" className={styles.hidden}>
          {statusLine(snapshot, s)}
        </p>
        {!snapshot.loaded ? (
          <p className={styles.text}>{s.readingRecipients}</p>
        ) : snapshot.rows.length === 0 ? (
          <p className={styles.text}>{s.noRecipients}</p>
        ) : (
          <ul className={styles.rows} aria-label={s.domainList}>
            {snapshot.rows.map((row) => (
              <DomainRowView
                key={row.domain}
                row={row}
                language={language}
                s={s}
                expanded={expanded.has(row.domain)}
                risky={stoppedBy.has(row.domain)}
                onToggle={toggle}
              />
            ))}
          </ul>
        )}
      </section>
      <ContentSection snapshot={snapshot} language={language} s={s} onScan={() => void controller.scan()} />
      {/* Until its chunk is in, nothing; a chunk that cannot load is a render error (Root's boundary). */}
      <Suspense fallback={null}>
        <ActionsSection
          s={s}
          decided={snapshot.decision !== null}
          risky={risky}
          onRemove={(addresses) => controller.removeRecipients(addresses)}
          portal={snapshot.portal}
          forward={snapshot.context !== null}
          canSend={snapshot.canSend}
          expiryDays={snapshot.portalExpiryDays}
          onSendSecurely={(days) => controller.sendSecurely(days)}
        />
      </Suspense>
    </>
  );
}

/** The pane: on a draft, the views "Recipients" and "Sent securely"; on a message being read, the latter. */
export function TaskPane({ controller, language }: TaskPaneProps): ReactElement {
  const styles = useStyles();
  const [read] = useState(() => controller.env.office.itemMode() === 'read');
  return (
    <main className={styles.pane} lang={language} aria-labelledby="tlsgate-title">
      <h1 id="tlsgate-title" className={styles.title}>
        {STRINGS[language].title}
      </h1>
      <PaneViews read={read} language={language} api={controller.env.api}>
        {/* Not mounted on a message being read: it would ask Office for a draft that is not there. */}
        <ComposePane controller={controller} language={language} />
      </PaneViews>
    </main>
  );
}
