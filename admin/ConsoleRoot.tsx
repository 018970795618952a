import { Spinner } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { ApiCallError } from '../addin/shared/api';
import { createAdminApi, type Me } from './api';
import { App, Themed } from './App';
import { LocalisedProvider, useLanguageChoice } from './language';
import {
  completeEntraSignIn,
  loadConsoleConfig,
  sessionTokenStore,
  SignInError,
  type ConsoleConfig,
} from './session';
import { forgetPolicyDraft } from './PolicyTab';
import { problemText } from './problem';
import { SignIn } from './SignIn';
import type { Phrase } from './strings';

type Phase =
  | { name: 'loading' }
  | { name: 'sign-in'; config: ConsoleConfig | null; problem: Phrase | null }
  | { name: 'ready'; me: Me };

function signInProblem(error: unknown): Phrase {
  if (error instanceof SignInError)
    switch (error.reason) {
      case 'not-started':
        return (s) => s.signInNotStarted;
      case 'refused':
        return (s) => s.signInRefused(error.detail ?? '');
      case 'invalid':
        return (s) => s.signInInvalid;
    }
  // Anything else (the config or the sign-in service failing) is technical: shown as it came.
  return (s) => (error instanceof Error ? error.message : s.signInIncomplete);
}

export function ConsoleRoot({ base }: { base: string }): ReactElement {
  const localised = useLanguageChoice();
  const tokens = useMemo(() => sessionTokenStore(window.sessionStorage), []);
  const [phase, setPhase] = useState<Phase>({ name: 'loading' });
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const configRef = useRef<ConsoleConfig | null>(null);
  configRef.current = config;
  const api = useMemo(
    () =>
      createAdminApi({
        baseUrl: base,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          // An expired token mid-session: back to the sign-in page (unsaved policy edits are kept).
          if (response.status === 401 && tokens.get() !== null) {
            tokens.clear();
            setPhase({ name: 'sign-in', config: configRef.current, problem: (s) => s.sessionExpired });
          }
          return response;
        },
        token: () => Promise.resolve(tokens.get()),
      }),
    [base, tokens],
  );

  /** Asks the server who this is; anyone but an admin lands on the sign-in page, with the reason. */
  const check = useCallback(
    async (known: ConsoleConfig | null) => {
      const hadToken = tokens.get() !== null;
      try {
        setPhase({ name: 'ready', me: await api.me() });
      } catch (error) {
        const forbidden = error instanceof ApiCallError && error.status === 403;
        if (!forbidden) tokens.clear();
        setPhase({
          name: 'sign-in',
          config: known,
          // Without a token, open auth with an admin token answers 403 too: that only means "sign in".
          problem: forbidden
            ? hadToken
              ? (s) => s.notAdmin
              : null
            : hadToken || !(error instanceof ApiCallError && error.status === 401)
              ? (s) => problemText(error, s)
              : null,
        });
      }
    },
    [api, tokens],
  );

  useEffect(() => {
    void (async () => {
      let loaded: ConsoleConfig | null = null;
      try {
        loaded = await loadConsoleConfig(base);
        setConfig(loaded);
        if (loaded.signIn) {
          const token = await completeEntraSignIn(loaded.signIn, window.sessionStorage, window.location);
          if (token) {
            tokens.set(token);
            // The code in the address bar is spent; keep it out of history and bookmarks.
            window.history.replaceState(null, '', window.location.pathname);
          }
        }
      } catch (error) {
        setPhase({ name: 'sign-in', config: loaded, problem: signInProblem(error) });
        return;
      }
      await check(loaded);
    })();
  }, [base, check, tokens]);

  let body: ReactElement;
  if (phase.name === 'loading') body = <Spinner label={localised.s.signingIn} />;
  else if (phase.name === 'sign-in')
    body = (
      <SignIn
        config={phase.config ?? config}
        problem={phase.problem}
        onToken={(token) => {
          tokens.set(token);
          setPhase({ name: 'loading' });
          void check(config);
        }}
      />
    );
  else
    body = (
      <App
        api={api}
        me={phase.me}
        onSignOut={() => {
          tokens.clear();
          forgetPolicyDraft();
          setPhase({ name: 'sign-in', config, problem: null });
        }}
      />
    );
  return (
    <LocalisedProvider value={localised}>
      <Themed>{body}</Themed>
    </LocalisedProvider>
  );
}
