import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import {
  lazy,
  Suspense,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import type { Language } from '../../src/core/status';
import type { ApiClient } from '../shared/api';
import { SENT_STRINGS } from './sent-strings';

/**
 * "Sent securely" comes in its own chunk: most panes are opened to check recipients, and the view's list,
 * dialogs and radio group need not delay that.
 */
// `as string`: tsc would resolve the literal as an ES module import and want './SentSecurely.js', which
// webpack and jest do not map to the .tsx; both still see the literal (the assertion is erased) and split it.
type SentModule = typeof import('./SentSecurely.js');
const SentSecurely = lazy(() =>
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- it hides the path from tsc
  (import('./SentSecurely' as string) as Promise<SentModule>).then((module) => ({
    default: module.SentSecurely,
  })),
);

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    // The class's display would otherwise win over the hidden attribute.
    '&[hidden]': { display: 'none' },
  },
  text: { margin: 0, fontSize: tokens.fontSizeBase200 },
  tabs: {
    display: 'flex',
    columnGap: tokens.spacingHorizontalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  tab: {
    background: 'none',
    border: 'none',
    borderBottom: '3px solid transparent',
    color: tokens.colorNeutralForeground2,
    cursor: 'pointer',
    font: 'inherit',
    fontSize: tokens.fontSizeBase300,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    ':hover': { color: tokens.colorNeutralForeground1 },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  selected: {
    borderBottomColor: tokens.colorBrandStroke1,
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
  },
});

const VIEWS: readonly View[] = ['recipients', 'sent'];

type View = 'recipients' | 'sent';

export interface PaneViewsProps {
  /** Opened on a message being read: there is no draft, so only "Sent securely". */
  read: boolean;
  language: Language;
  api: ApiClient;
  /** The Recipients view; kept mounted while hidden, so its checks go on. */
  children: ReactNode;
}

/** The tabs "Recipients" and "Sent securely" on a draft; on a message being read, the latter alone. */
export function PaneViews({ read, language, api, children }: PaneViewsProps): ReactElement {
  const styles = useStyles();
  const t = SENT_STRINGS[language];
  const [view, setView] = useState<View>(read ? 'sent' : 'recipients');
  const tabs = useRef<Partial<Record<View, HTMLButtonElement | null>>>({});
  const onKeyDown = (event: KeyboardEvent): void => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next: View =
      event.key === 'Home'
        ? 'recipients'
        : event.key === 'End'
          ? 'sent'
          : view === 'sent'
            ? 'recipients'
            : 'sent';
    setView(next);
    tabs.current[next]?.focus();
  };
  const sent = (
    <Suspense fallback={<p className={styles.text}>{t.loading}</p>}>
      <SentSecurely api={api} language={language} />
    </Suspense>
  );
  if (read) return sent;
  return (
    <>
      {/* A plain ARIA tablist: Fluent's TabList brings tabster's focus helpers (25 KB gzipped in the first
          load, and hidden focusable elements axe reports). Arrow keys move between the tabs, as ARIA asks. */}
      <div role="tablist" aria-label={t.views} className={styles.tabs} onKeyDown={onKeyDown}>
        {VIEWS.map((value) => (
          <button
            key={value}
            ref={(element) => {
              tabs.current[value] = element;
            }}
            type="button"
            role="tab"
            id={`tlsgate-tab-${value}`}
            aria-controls={`tlsgate-panel-${value}`}
            aria-selected={view === value}
            tabIndex={view === value ? 0 : -1}
            className={mergeClasses(styles.tab, view === value && styles.selected)}
            onClick={() => {
              setView(value);
            }}
          >
            {value === 'sent' ? t.sentTab : t.recipientsTab}
          </button>
        ))}
      </div>
      {VIEWS.map((value) => (
        <div
          key={value}
          id={`tlsgate-panel-${value}`}
          role="tabpanel"
          aria-labelledby={`tlsgate-tab-${value}`}
          className={styles.panel}
          hidden={view !== value}
        >
          {/* The sent list is mounted when chosen, so each visit shows the messages as they are now. */}
          {value === 'recipients' ? children : view === 'sent' && sent}
        </div>
      ))}
    </>
  );
}
