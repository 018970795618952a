/**
 * The signed-in Office user's token for the TLS Gate backend (Office SSO: OfficeRuntime.auth.getAccessToken,
 * the call Microsoft documents for event handlers as well as task panes). The manifest's WebApplicationInfo
 * names the backend; Office caches and renews the token, so it is asked for on every call, never stored.
 */

export interface AccessTokenOptions {
  /** The task pane may show Office's sign-in and consent prompts; the send handler may not. */
  interactive: boolean;
  /** A token that does not come in time is no token: the call goes out without one. */
  timeoutMs: number;
}

/** Null when Office gives no token (no SSO on this client, not signed in, no consent, timed out). */
export function officeAccessToken(options: AccessTokenOptions): () => Promise<string | null> {
  return () =>
    new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        resolve(null);
      }, options.timeoutMs);
      const done = (token: string | null): void => {
        clearTimeout(timer);
        resolve(token);
      };
      try {
        // Office.auth is the newer name, but classic Outlook's event runtime has it only from build 2111;
        // OfficeRuntime.auth works in every runtime that supports SSO.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        OfficeRuntime.auth
          .getAccessToken({
            allowSignInPrompt: options.interactive,
            allowConsentPrompt: options.interactive,
            forMSGraphAccess: false,
          })
          .then(
            (token) => {
              done(typeof token === 'string' && token.length > 0 ? token : null);
            },
            () => {
              // 13xxx codes (not signed in, consent missing, unsupported): the backend will say 401.
              done(null);
            },
          );
      } catch {
        // OfficeRuntime is missing (an old client, or the /try page's stand-in).
        done(null);
      }
    });
}
