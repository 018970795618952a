import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  tokens,
} from '@fluentui/react-components';
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import { LanguageSwitch, useLocalised } from './language';
import { beginEntraSignIn, type ConsoleConfig } from './session';
import type { Phrase } from './strings';

const useStyles = makeStyles({
  page: {
    maxWidth: '480px',
    margin: '10vh auto 0',
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalL,
  },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between' },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  form: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
});

/** Sign in with Microsoft when the server has an app registration for the console; a token always works. */
export function SignIn({
  config,
  problem,
  onToken,
}: {
  config: ConsoleConfig | null;
  problem: Phrase | null;
  onToken: (token: string) => void;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const [token, setToken] = useState('');
  const [redirectFailed, setRedirectFailed] = useState(false);
  const signIn = config?.signIn ?? null;

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (token.trim()) onToken(token.trim());
  };

  const shown = redirectFailed ? s.microsoftUnreachable : problem?.(s);
  return (
    <main className={styles.page}>
      <div className={styles.head}>
        <h1 className={styles.title}>{s.title}</h1>
        <LanguageSwitch />
      </div>
      {shown && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{shown}</MessageBarBody>
        </MessageBar>
      )}
      {signIn && (
        <Button
          appearance="primary"
          onClick={() => {
            beginEntraSignIn(signIn, window.sessionStorage, window.location).catch(() => {
              setRedirectFailed(true);
            });
          }}
        >
          {s.signInWithMicrosoft}
        </Button>
      )}
      <form className={styles.form} onSubmit={submit}>
        <Field
          label={signIn ? s.tokenLabelBesideMicrosoft : s.tokenLabel}
          hint={config?.auth === 'open' ? s.tokenHintOpen : s.tokenHintEntra}
        >
          <Input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(_event, data) => {
              setToken(data.value);
            }}
          />
        </Field>
        <Button type="submit" disabled={token.trim() === ''}>
          {s.signInWithToken}
        </Button>
      </form>
    </main>
  );
}
