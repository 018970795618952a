import { Button, MessageBar, MessageBarBody } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { useLocalised } from './language';
import type { Message } from './types';

/** How a tab shows the outcome of a call: a failure (with an optional retry) or a success. */

export function Failure({ text, onRetry }: { text: string; onRetry?: () => unknown }): ReactElement {
  const { s } = useLocalised();
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        {text}{' '}
        {onRetry && (
          <Button size="small" onClick={() => void onRetry()}>
            {s.tryAgain}
          </Button>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Success({ text }: { text: string }): ReactElement {
  return (
    <MessageBar intent="success" role="status">
      <MessageBarBody>{text}</MessageBarBody>
    </MessageBar>
  );
}

/** A tab's message, in the language shown now. */
export function Outcome({ message }: { message: Message }): ReactElement {
  const { s } = useLocalised();
  const text = message.text(s);
  return message.ok ? <Success text={text} /> : <Failure text={text} />;
}
