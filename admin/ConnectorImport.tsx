import { Button, Field, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import type { ForcedTlsEntry } from '../src/core/policy';
import type { AdminApi, ConnectorPreview } from './api';
import type { SaveEntries } from './ForcedTlsEntries';
import { useLocalised } from './language';
import { problemText } from './problem';
import type { ForcedTlsStrings } from './forced-tls-strings';
import { TableHead } from './TableHead';
import type { Message } from './types';

const useStyles = makeStyles({
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  json: { fontFamily: tokens.fontFamilyMonospace, minHeight: '10em' },
  added: { color: tokens.colorPaletteGreenForeground1 },
  table: { borderCollapse: 'collapse' },
  cell: {
    textAlign: 'left',
    verticalAlign: 'top',
    paddingRight: tokens.spacingHorizontalL,
    paddingBottom: tokens.spacingVerticalXS,
  },
});

/** "partner.example: Domain validation (mail.partner.example)" */
export function entryText(entry: ForcedTlsEntry, t: ForcedTlsStrings): string {
  return `${entry.domain}: ${t.levels[entry.level]}${entry.tlsDomain ? ` (${entry.tlsDomain})` : ''}`;
}

function ImportPreview({
  preview,
  current,
  busy,
  onApply,
}: {
  preview: ConnectorPreview;
  current: readonly ForcedTlsEntry[];
  busy: boolean;
  onApply: () => void;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const changes = preview.add.length + preview.update.length;
  return (
    <section aria-label={s.tls.importPreview}>
      <table className={styles.table}>
        <caption className={styles.cell}>{s.tls.connectors(preview.connectors.length)}</caption>
        <TableHead
          className={styles.cell}
          labels={[s.tls.connectorName, s.tls.level, s.tls.tlsDomain, s.tls.connectorDomains]}
        />
        <tbody>
          {preview.connectors.map((connector, index) => (
            <tr key={index}>
              <td className={styles.cell}>{connector.name}</td>
              <td className={styles.cell}>{s.tls.levels[connector.tls]}</td>
              <td className={styles.cell}>{connector.tlsDomain ?? '—'}</td>
              <td className={styles.cell}>{connector.domains.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.add.length > 0 && (
        <>
          <p>{s.tls.willBeAdded}:</p>
          <ul aria-label={s.tls.willBeAdded}>
            {preview.add.map((entry) => (
              <li key={entry.domain} className={styles.added}>
                +{entryText(entry, s.tls)}
              </li>
            ))}
          </ul>
        </>
      )}
      {preview.update.length > 0 && (
        <>
          <p>{s.tls.willChange}:</p>
          <ul aria-label={s.tls.willChange}>
            {preview.update.map((entry) => {
              const before = current.find((known) => known.domain === entry.domain);
              return (
                <li key={entry.domain}>
                  {before ? `${entryText(before, s.tls)} → ` : ''}
                  {entryText(entry, s.tls)}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {changes === 0 && <p>{s.tls.nothingToChange}</p>}
      {preview.keep.length > 0 && <p>{s.tls.alreadyOnList(preview.keep)}</p>}
      {preview.skipped.length > 0 && (
        <>
          <p>{s.tls.leftOut}:</p>
          <ul aria-label={s.tls.leftOut}>
            {preview.skipped.map((reason, index) => (
              <li key={index}>{reason}</li>
            ))}
          </ul>
        </>
      )}
      <Button appearance="primary" disabled={busy || changes === 0} onClick={onApply}>
        {s.tls.applyImport(preview.add.length, preview.update.length)}
      </Button>
    </section>
  );
}

/**
 * The Exchange Online import: paste Get-OutboundConnector's JSON, see which domains it would add or
 * change (with their levels), then apply the resulting list as one policy change based on the version
 * the preview was made from.
 */
export function ConnectorImport({
  api,
  current,
  busy,
  setMessage,
  onApply,
}: {
  api: AdminApi;
  current: readonly ForcedTlsEntry[];
  busy: boolean;
  setMessage: (message: Message | null) => void;
  onApply: (preview: ConnectorPreview) => ReturnType<SaveEntries>;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [pasted, setPasted] = useState('');
  const [previewing, setPreviewing] = useState(false);
  const [preview, setPreview] = useState<ConnectorPreview | null>(null);

  async function previewImport(): Promise<void> {
    setPreviewing(true);
    setMessage(null);
    setPreview(null);
    try {
      setPreview(await api.previewConnectorImport(pasted));
    } catch (error) {
      setMessage({ ok: false, text: (t) => problemText(error, t) });
    } finally {
      setPreviewing(false);
    }
  }

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading" className={styles.h2}>
        {s.tls.importHeading}
      </h2>
      <p>
        {s.tls.importHelp.before} <code>Get-OutboundConnector | ConvertTo-Json</code> {s.tls.importHelp.after}
      </p>
      <Field label={s.tls.connectorOutput}>
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
        <Button disabled={busy || previewing || pasted.trim() === ''} onClick={() => void previewImport()}>
          {s.tls.previewImport}
        </Button>
      </p>
      {preview && (
        <ImportPreview
          preview={preview}
          current={current}
          busy={busy}
          onApply={() =>
            void onApply(preview).then((result) => {
              if (result.ok) {
                setPreview(null);
                setPasted('');
              }
            })
          }
        />
      )}
    </section>
  );
}
