import { Button, Field, Input, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import { isVersionConflict, type AdminApi, type ConnectorPreview } from './api';
import { useLocalised } from './language';
import { Outcome } from './Outcome';
import { problemText } from './problem';
import type { Phrase } from './strings';
import type { Message, PolicyState } from './types';
import { bareList } from './styles';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXL },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: bareList(tokens.spacingVerticalXS),
  item: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  form: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'end' },
  json: { fontFamily: tokens.fontFamilyMonospace, minHeight: '10em' },
  added: { color: tokens.colorPaletteGreenForeground1 },
});

/**
 * The domains the organisation's own TLS-required Exchange connectors cover: they count as "Enforced TLS".
 * Each add or remove is a policy change (audited); an import shows what it would add before it does.
 */
export function ForcedTlsTab({ api, policy }: { api: AdminApi; policy: PolicyState }): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const domains = policy.current.policy.forcedTlsDomains;
  const [entry, setEntry] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [pasted, setPasted] = useState('');
  const [preview, setPreview] = useState<ConnectorPreview | null>(null);

  async function saveList(next: string[], basedOnVersion: number, done: Phrase): Promise<boolean> {
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.savePolicy(
        { ...policy.current.policy, forcedTlsDomains: next },
        basedOnVersion,
      );
      policy.replace(saved);
      setMessage({ ok: true, text: (t) => `${done(t)} ${t.savedAs(saved.version)}` });
      return true;
    } catch (error) {
      if (isVersionConflict(error)) {
        await policy.reload();
        setMessage({ ok: false, text: (t) => t.forcedConflict });
      } else setMessage({ ok: false, text: (t) => problemText(error, t) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  const add = (event: SyntheticEvent): void => {
    event.preventDefault();
    const domain = entry.trim().toLowerCase().replace(/^@/, '');
    if (!domain) return;
    if (domains.includes(domain)) {
      setMessage({ ok: false, text: (t) => t.alreadyListed(domain) });
      return;
    }
    void saveList([...domains, domain].sort(), policy.current.version, (t) => t.added(domain)).then((ok) => {
      if (ok) setEntry('');
    });
  };

  async function previewImport(): Promise<void> {
    setBusy(true);
    setMessage(null);
    setPreview(null);
    try {
      setPreview(await api.previewConnectorImport(pasted));
    } catch (error) {
      setMessage({ ok: false, text: (t) => problemText(error, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={styles.layout}>
      {message && <Outcome message={message} />}
      <section aria-labelledby="forced-heading">
        <h2 id="forced-heading" className={styles.h2}>
          {s.forcedHeading(domains.length)}
        </h2>
        {domains.length === 0 && <p>{s.forcedNone}</p>}
        <ul className={styles.list} aria-label={s.forcedList}>
          {domains.map((domain) => (
            <li key={domain} className={styles.item}>
              <span>{domain}</span>
              <Button
                size="small"
                appearance="subtle"
                disabled={busy}
                aria-label={s.removeDomain(domain)}
                onClick={() =>
                  void saveList(
                    domains.filter((d) => d !== domain),
                    policy.current.version,
                    (t) => t.removed(domain),
                  )
                }
              >
                {s.remove}
              </Button>
            </li>
          ))}
        </ul>
        <form className={styles.form} onSubmit={add}>
          <Field label={s.domainField}>
            <Input
              value={entry}
              onChange={(_event, data) => {
                setEntry(data.value);
              }}
            />
          </Field>
          <Button type="submit" disabled={busy || entry.trim() === ''}>
            {s.add}
          </Button>
        </form>
      </section>
      <section aria-labelledby="import-heading">
        <h2 id="import-heading" className={styles.h2}>
          {s.importHeading}
        </h2>
        <p>
          {s.importHelp.before} <code>Get-OutboundConnector | ConvertTo-Json</code> {s.importHelp.after}
        </p>
        <Field label={s.connectorOutput}>
          <Textarea
            textarea={{ className: styles.json, spellCheck: false }}
            value={pasted}
            resize="vertical"
            onChange={(_event, data) => {
              setPasted(data.value);
              setPreview(null);
            }}
          />
        </Field>
        <p>
          <Button disabled={busy || pasted.trim() === ''} onClick={() => void previewImport()}>
            {s.previewImport}
          </Button>
        </p>
        {preview && (
          <ImportPreview
            preview={preview}
            busy={busy}
            onApply={() =>
              void saveList(preview.resultingForcedTlsDomains, preview.basedOnVersion, (t) =>
                t.imported(preview.add.length),
              ).then((ok) => {
                if (ok) {
                  setPreview(null);
                  setPasted('');
                }
              })
            }
          />
        )}
      </section>
    </div>
  );
}

function ImportPreview({
  preview,
  busy,
  onApply,
}: {
  preview: ConnectorPreview;
  busy: boolean;
  onApply: () => void;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  return (
    <section aria-label={s.importPreview}>
      <p>{s.connectorsWithTls(preview.connectors.map((c) => `${c.name} (${c.tls})`))}</p>
      {preview.add.length > 0 ? (
        <>
          <p>{s.willBeAdded}:</p>
          <ul aria-label={s.willBeAdded}>
            {preview.add.map((domain) => (
              <li key={domain} className={styles.added}>
                +{domain}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{s.nothingToAdd}</p>
      )}
      {preview.keep.length > 0 && <p>{s.alreadyOnList(preview.keep)}</p>}
      {preview.skipped.length > 0 && (
        <>
          <p>{s.leftOut}:</p>
          <ul aria-label={s.leftOut}>
            {preview.skipped.map((reason, index) => (
              <li key={index}>{reason}</li>
            ))}
          </ul>
        </>
      )}
      <Button appearance="primary" disabled={busy || preview.add.length === 0} onClick={onApply}>
        {s.applyImport(preview.add.length)}
      </Button>
    </section>
  );
}
