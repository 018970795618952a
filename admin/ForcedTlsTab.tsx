import { Button, Field, Input, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import { isVersionConflict, problemText, type AdminApi, type ConnectorPreview } from './api';
import { Failure, Success, type PolicyState } from './App';

const useStyles = makeStyles({
  layout: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXL },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: {
    margin: 0,
    paddingLeft: 0,
    listStyleType: 'none',
    display: 'grid',
    rowGap: tokens.spacingVerticalXS,
  },
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
  const domains = policy.current.policy.forcedTlsDomains;
  const [entry, setEntry] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pasted, setPasted] = useState('');
  const [preview, setPreview] = useState<ConnectorPreview | null>(null);

  async function saveList(next: string[], basedOnVersion: number, done: string): Promise<boolean> {
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.savePolicy(
        { ...policy.current.policy, forcedTlsDomains: next },
        basedOnVersion,
      );
      policy.replace(saved);
      setMessage({ ok: true, text: `${done} Saved as version ${saved.version}.` });
      return true;
    } catch (error) {
      if (isVersionConflict(error)) {
        await policy.reload();
        setMessage({
          ok: false,
          text: 'Someone else changed the policy meanwhile. The list is now up to date; make your change again.',
        });
      } else setMessage({ ok: false, text: problemText(error) });
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
      setMessage({ ok: false, text: `${domain} is already on the list.` });
      return;
    }
    void saveList([...domains, domain].sort(), policy.current.version, `Added ${domain}.`).then((ok) => {
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
      setMessage({ ok: false, text: problemText(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={styles.layout}>
      {message && (message.ok ? <Success text={message.text} /> : <Failure text={message.text} />)}
      <section aria-labelledby="forced-heading">
        <h2 id="forced-heading" className={styles.h2}>
          Forced-TLS domains ({domains.length})
        </h2>
        {domains.length === 0 && <p>None yet. Add a domain, or import your Exchange connectors below.</p>}
        <ul className={styles.list} aria-label="Forced-TLS domains">
          {domains.map((domain) => (
            <li key={domain} className={styles.item}>
              <span>{domain}</span>
              <Button
                size="small"
                appearance="subtle"
                disabled={busy}
                aria-label={`Remove ${domain}`}
                onClick={() =>
                  void saveList(
                    domains.filter((d) => d !== domain),
                    policy.current.version,
                    `Removed ${domain}.`,
                  )
                }
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
        <form className={styles.form} onSubmit={add}>
          <Field label="Domain (contoso.com, or *.contoso.com for its subdomains)">
            <Input
              value={entry}
              onChange={(_event, data) => {
                setEntry(data.value);
              }}
            />
          </Field>
          <Button type="submit" disabled={busy || entry.trim() === ''}>
            Add
          </Button>
        </form>
      </section>
      <section aria-labelledby="import-heading">
        <h2 id="import-heading" className={styles.h2}>
          Import from Exchange Online
        </h2>
        <p>
          In Exchange Online PowerShell run <code>Get-OutboundConnector | ConvertTo-Json</code> and paste the
          output. The recipient domains of connectors that require TLS are proposed; nothing changes until you
          apply.
        </p>
        <Field label="Get-OutboundConnector output (JSON)">
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
            Preview import
          </Button>
        </p>
        {preview && (
          <ImportPreview
            preview={preview}
            busy={busy}
            onApply={() =>
              void saveList(
                preview.resultingForcedTlsDomains,
                preview.basedOnVersion,
                `Imported ${preview.add.length} domain${preview.add.length === 1 ? '' : 's'}.`,
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
  return (
    <section aria-label="Import preview">
      <p>
        {preview.connectors.length} connector{preview.connectors.length === 1 ? '' : 's'} with TLS required:{' '}
        {preview.connectors.map((c) => `${c.name} (${c.tls})`).join(', ') || 'none'}.
      </p>
      {preview.add.length > 0 ? (
        <>
          <p>Will be added:</p>
          <ul aria-label="Will be added">
            {preview.add.map((domain) => (
              <li key={domain} className={styles.added}>
                +{domain}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Nothing to add: every domain is on the list already.</p>
      )}
      {preview.keep.length > 0 && <p>Already on the list: {preview.keep.join(', ')}</p>}
      {preview.skipped.length > 0 && (
        <>
          <p>Left out:</p>
          <ul aria-label="Left out">
            {preview.skipped.map((reason, index) => (
              <li key={index}>{reason}</li>
            ))}
          </ul>
        </>
      )}
      <Button appearance="primary" disabled={busy || preview.add.length === 0} onClick={onApply}>
        Apply: add {preview.add.length} domain{preview.add.length === 1 ? '' : 's'}
      </Button>
    </section>
  );
}
