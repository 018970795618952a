import { Button } from '@fluentui/react-components';
import { useState, type ReactElement, type ReactNode } from 'react';
import type { AdminApi } from './api';
import { useLocalised } from './language';
import { problemText } from './problem';

/** Downloads a CSV export. A plain link would not carry the bearer token, so it is fetched, then saved. */
export function CsvButton({
  api,
  path,
  filename,
  children,
}: {
  api: AdminApi;
  path: string;
  filename: string;
  children: ReactNode;
}): ReactElement {
  const { s } = useLocalised();
  const [problem, setProblem] = useState<{ error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  async function download(): Promise<void> {
    setBusy(true);
    setProblem(null);
    try {
      const text = await api.csv(path);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 10_000);
    } catch (error) {
      setProblem({ error });
    } finally {
      setBusy(false);
    }
  }
  return (
    <span>
      <Button disabled={busy} onClick={() => void download()}>
        {children}
      </Button>
      {problem && <span role="alert"> {problemText(problem.error, s)}</span>}
    </span>
  );
}
