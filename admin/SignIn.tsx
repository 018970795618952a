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
import { beginEntraSignIn, type ConsoleConfig } from './session';

const useStyles = makeStyles({
  page: {
    maxWidth: '480px',
    margin: '10vh auto 0',
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalL,
  },
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
  problem: string | null;
  onToken: (token: string) => void;
}): ReactElement {
  const styles = useStyles();
  const [token, setToken] = useState('');
  const [redirectProblem, setRedirectProblem] = useState<string | null>(null);
  const signIn = config?.signIn ?? null;

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (token.trim()) onToken(token.trim());
  };

  const shown = redirectProblem ?? problem;
  return (
    <main className={styles.page}>
      <h1 className={styles.title}>TLS Gate admin</h1>
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
              setRedirectProblem('The Microsoft sign-in page could not be reached. Try again.');
            });
          }}
        >
          Sign in with Microsoft
        </Button>
      )}
      <form className={styles.form} onSubmit={submit}>
        <Field
          label={signIn ? 'Or use a token (automation, break-glass)' : 'Admin token'}
          hint={
            config?.auth === 'open'
              ? 'The value of TLSGATE_ADMIN_TOKEN on the server.'
              : 'TLSGATE_ADMIN_TOKEN, or an Entra access token for the TLS Gate API.'
          }
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
          Sign in with token
        </Button>
      </form>
    </main>
  );
}
