import { makeStyles, Tab, TabList, tokens } from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import type { AdminApi } from './api';
import { ConnectorImport } from './ConnectorImport';
import { ForcedTlsEntries, type SaveEntries } from './ForcedTlsEntries';
import { ForcedTlsHealth } from './ForcedTlsHealth';
import { ForcedTlsProposals } from './ForcedTlsProposals';
import { useForcedTlsSave } from './forced-tls-save';
import type { ForcedTlsView } from './forced-tls-strings';
import { useLocalised } from './language';
import { Outcome } from './Outcome';
import type { PolicyState } from './types';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL },
  entries: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXL },
});

const VIEWS: readonly ForcedTlsView[] = ['health', 'entries', 'proposals'];

/**
 * The domains the organisation's own TLS-required Exchange connectors cover (they count as "Enforced
 * TLS"), in three views: whether mail to each would be delivered today, the list with each connector's
 * level (edited in place, or imported from Exchange), and connectors proposed from what users were warned
 * about. Every change to the list is a policy change (audited, If-Match).
 */
export function ForcedTlsTab({ api, policy }: { api: AdminApi; policy: PolicyState }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [view, setView] = useState<ForcedTlsView>('health');
  const { busy, message, setMessage, save } = useForcedTlsSave(api, policy);
  const entries = policy.current.policy.forcedTlsDomains;
  const saveEntries: SaveEntries = (next, done, index) => save(next, policy.current.version, done, index);

  let body: ReactElement;
  switch (view) {
    case 'health':
      body = <ForcedTlsHealth api={api} version={policy.current.version} />;
      break;
    case 'entries':
      body = (
        <div className={styles.entries}>
          <ForcedTlsEntries
            entries={entries}
            busy={busy}
            onSave={saveEntries}
            onDuplicate={(domain) => {
              setMessage({ ok: false, text: (t) => t.tls.alreadyListed(domain) });
            }}
          />
          <ConnectorImport
            api={api}
            current={entries}
            busy={busy}
            setMessage={setMessage}
            onApply={(preview) =>
              save(preview.resultingForcedTlsDomains, preview.basedOnVersion, (t) =>
                t.tls.imported(preview.add.length, preview.update.length),
              )
            }
          />
        </div>
      );
      break;
    case 'proposals':
      body = <ForcedTlsProposals api={api} entries={entries} busy={busy} onSave={saveEntries} />;
      break;
  }

  return (
    <div className={styles.layout}>
      <TabList
        size="small"
        aria-label={s.tls.viewsLabel}
        selectedValue={view}
        onTabSelect={(_event, data) => {
          const next = VIEWS.find((known) => known === data.value);
          if (next) {
            setMessage(null);
            setView(next);
          }
        }}
      >
        {VIEWS.map((id) => (
          <Tab key={id} value={id}>
            {s.tls.views[id]}
          </Tab>
        ))}
      </TabList>
      {message && <Outcome message={message} />}
      {body}
    </div>
  );
}
