import * as oauth from 'oauth4webapi';

/**
 * Who the console signs in as. The server says how (GET /admin/config.json): `open` auth needs nothing
 * (or the admin token, when one guards the admin routes), `entra` signs in with Microsoft (authorization
 * code with PKCE, the flow Entra ID requires of single-page apps) or takes a pasted token for automation.
 * The token lives in sessionStorage only: it is gone when the tab closes.
 */

export interface ConsoleConfig {
  auth: 'open' | 'entra';
  /** Set when the server has an Entra app registration for the console. */
  signIn: { authority: string; clientId: string; scope: string } | null;
}

const TOKEN_KEY = 'tlsgate.admin.token';
const FLOW_KEY = 'tlsgate.admin.signin';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function sessionTokenStore(storage: Storage): TokenStore {
  return {
    get: () => storage.getItem(TOKEN_KEY),
    set: (token) => {
      storage.setItem(TOKEN_KEY, token);
    },
    clear: () => {
      storage.removeItem(TOKEN_KEY);
    },
  };
}

export async function loadConsoleConfig(base: string): Promise<ConsoleConfig> {
  const response = await fetch(`${base}/admin/config.json`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`config ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

/** Why a sign-in's return could not be completed; the console says it in the admin's language. */
export class SignInError extends Error {
  constructor(
    readonly reason: 'not-started' | 'refused' | 'invalid',
    message: string,
    /** Microsoft's own explanation, for `refused`. */
    readonly detail: string | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SignInError';
  }
}

interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
}

async function discover(authority: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(authority);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc' }));
}

/** The console's own address without query or hash: the redirect URI registered in Entra. */
export function redirectUri(location: Location): string {
  return `${location.origin}${location.pathname}`;
}

/** Sends the browser to Microsoft's sign-in page; it comes back to this page with a code. */
export async function beginEntraSignIn(
  signIn: NonNullable<ConsoleConfig['signIn']>,
  storage: Storage,
  location: Location,
): Promise<void> {
  const server = await discover(signIn.authority);
  if (!server.authorization_endpoint) throw new Error('The sign-in service has no authorization endpoint.');
  const pending: PendingSignIn = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
  };
  storage.setItem(FLOW_KEY, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.searchParams.set('client_id', signIn.clientId);
  url.searchParams.set('redirect_uri', redirectUri(location));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('response_mode', 'query');
  url.searchParams.set('scope', `openid profile ${signIn.scope}`);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  location.assign(url.href);
}

/**
 * On the way back from sign-in: trades the code for an access token to the TLS Gate API. Null when this
 * page load is not a sign-in's return. Throws a SignInError when the sign-in failed.
 */
export async function completeEntraSignIn(
  signIn: NonNullable<ConsoleConfig['signIn']>,
  storage: Storage,
  location: Location,
): Promise<string | null> {
  const current = new URL(location.href);
  if (!current.searchParams.has('state')) return null;
  const saved = storage.getItem(FLOW_KEY);
  storage.removeItem(FLOW_KEY);
  if (!saved) throw new SignInError('not-started', 'This sign-in was not started here.');
  const pending = JSON.parse(saved) as PendingSignIn;
  const server = await discover(signIn.authority);
  const client: oauth.Client = { client_id: signIn.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(server, client, current, pending.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      const detail = (error.error_description ?? error.error).slice(0, 300);
      throw new SignInError('refused', `Microsoft refused the sign-in: ${detail}`, detail, { cause: error });
    }
    throw new SignInError('invalid', 'The sign-in answer was not valid.', null, { cause: error });
  }
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    client,
    oauth.None(),
    params,
    redirectUri(location),
    pending.verifier,
  );
  const result = await oauth.processAuthorizationCodeResponse(server, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  return result.access_token;
}
