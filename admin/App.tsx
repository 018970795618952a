import {
  Button,
  FluentProvider,
  makeStyles,
  Spinner,
  Tab,
  TabList,
  Text,
  tokens,
  webLightTheme,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { ActivityTab } from './ActivityTab';
import type { AdminApi, Me, PolicyDocument } from './api';
import { ForcedTlsTab } from './ForcedTlsTab';
import { HistoryTab } from './HistoryTab';
import { LanguageSwitch, useLocalised } from './language';
import { LookupTab } from './LookupTab';
import { Failure } from './Outcome';
import { PolicyTab } from './PolicyTab';
import { problemText } from './problem';
import type { TabId } from './strings';
import type { PolicyState } from './types';

const useStyles = makeStyles({
  page: { maxWidth: '1100px', margin: '0 auto', padding: tokens.spacingHorizontalL },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    columnGap: tokens.spacingHorizontalM,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    paddingBottom: tokens.spacingVerticalS,
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  who: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  panel: { paddingTop: tokens.spacingVerticalL },
});

const TABS: readonly TabId[] = ['policy', 'forced-tls', 'history', 'lookup', 'activity'];

export function App({ api, me, onSignOut }: { api: AdminApi; me: Me; onSignOut: () => void }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [tab, setTab] = useState<TabId>(() => tabFromHash(window.location.hash));
  const [current, setCurrent] = useState<PolicyDocument | null>(null);
  const [loadError, setLoadError] = useState<{ error: unknown } | null>(null);

  const reload = useCallback(async () => {
    try {
      setCurrent(await api.policy());
      setLoadError(null);
    } catch (error) {
      setLoadError({ error });
    }
  }, [api]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useEffect(() => {
    window.history.replaceState(null, '', `#${tab}`);
  }, [tab]);

  const policy: PolicyState | null = current ? { current, replace: setCurrent, reload } : null;
  let body: ReactElement;
  if (loadError) body = <Failure text={problemText(loadError.error, s)} onRetry={reload} />;
  else if (!policy) body = <Spinner label={s.loadingPolicy} />;
  else
    switch (tab) {
      case 'policy':
        body = <PolicyTab api={api} policy={policy} />;
        break;
      case 'forced-tls':
        body = <ForcedTlsTab api={api} policy={policy} />;
        break;
      case 'history':
        body = <HistoryTab api={api} policy={policy} />;
        break;
      case 'lookup':
        body = <LookupTab api={api} />;
        break;
      case 'activity':
        body = <ActivityTab api={api} />;
        break;
    }

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <h1 className={styles.title}>{s.title}</h1>
        <div className={styles.who}>
          <Text>
            {s.signedInAs} <strong>{me.name}</strong>
          </Text>
          <LanguageSwitch />
          <Button appearance="subtle" onClick={onSignOut}>
            {s.signOut}
          </Button>
        </div>
      </header>
      <nav aria-label={s.sections}>
        <TabList
          selectedValue={tab}
          onTabSelect={(_event, data) => {
            setTab(data.value as TabId);
          }}
        >
          {TABS.map((id) => (
            <Tab key={id} value={id}>
              {s.tabs[id]}
            </Tab>
          ))}
        </TabList>
      </nav>
      <main className={styles.panel} aria-label={s.tabs[tab]}>
        {body}
      </main>
    </div>
  );
}

function tabFromHash(hash: string): TabId {
  const id = hash.replace(/^#/, '');
  return TABS.find((tab) => tab === id) ?? 'policy';
}

/** Fluent's theme around the whole console, sign-in page included. */
export function Themed({ children }: { children: ReactElement }): ReactElement {
  return <FluentProvider theme={webLightTheme}>{children}</FluentProvider>;
}
