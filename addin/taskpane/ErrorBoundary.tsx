import { Button, MessageBar, MessageBarActions, MessageBarBody } from '@fluentui/react-components';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { Strings } from './strings';

interface Props {
  s: Strings;
  children: ReactNode;
  /** Default: reload the page. */
  onReload?: () => void;
}

/** A render error shows a line and a way out, never a blank pane. */
export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The console is the only log a task pane has (F12 in Outlook on the web); no message content is in it.
    console.error('TLS Gate task pane failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const { s, onReload } = this.props;
    return (
      <MessageBar intent="error" layout="multiline" role="alert">
        <MessageBarBody>{s.crashed}</MessageBarBody>
        <MessageBarActions>
          <Button
            onClick={() => {
              if (onReload) onReload();
              else window.location.reload();
            }}
          >
            {s.reload}
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
}
