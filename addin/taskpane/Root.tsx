import { FluentProvider, makeStyles, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { useEffect, useState, type ReactElement } from 'react';
import type { Language } from '../../src/core/status';
import type { TaskpaneOffice } from '../office/compose';
import type { PaneController } from './controller';
import { ErrorBoundary } from './ErrorBoundary';
import { STRINGS } from './strings';
import { TaskPane } from './TaskPane';

const useStyles = makeStyles({
  // The provider paints the whole pane, so the Office theme's background reaches the edges.
  root: { minHeight: '100vh' },
});

export interface RootProps {
  controller: PaneController;
  language: Language;
  office: Pick<TaskpaneOffice, 'theme' | 'onThemeChanged'>;
}

/** Theme (following Office's, light or dark), the error boundary, and the pane. */
export function Root({ controller, language, office }: RootProps): ReactElement {
  const styles = useStyles();
  const [dark, setDark] = useState(() => office.theme()?.dark ?? false);
  useEffect(() => {
    let stop: (() => Promise<void>) | null = null;
    let live = true;
    void office
      .onThemeChanged((theme) => {
        setDark(theme.dark);
      })
      .then((unsubscribe) => {
        if (live) stop = unsubscribe;
        else void unsubscribe();
      });
    return () => {
      live = false;
      void stop?.();
    };
  }, [office]);
  return (
    <FluentProvider
      theme={dark ? webDarkTheme : webLightTheme}
      className={styles.root}
      data-theme={dark ? 'dark' : 'light'}
      lang={language}
    >
      <ErrorBoundary s={STRINGS[language]}>
        <TaskPane controller={controller} language={language} />
      </ErrorBoundary>
    </FluentProvider>
  );
}
