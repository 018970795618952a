import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../../src/server/config';

/**
 * A stand-in for Microsoft Entra ID's signing keys: a JWKS endpoint on loopback and tokens signed with
 * its key, so the server's real jose verification runs end to end.
 */

export const TEST_TENANT = '8f3c2f39-1d0e-4a43-9b6e-2f7d1b2a6c11';
export const OTHER_TENANT = '0b1e7c55-3a4f-4c6b-8e2d-9a0f6b3c4d21';
export const TEST_AUDIENCE = 'api://tlsgate-test';

export interface TestIssuer {
  jwksUrl: string;
  issuer: string;
  token(
    claims?: JWTPayload,
    options?: { expiresIn?: string | number; issuer?: string; audience?: string; foreignKey?: boolean },
  ): Promise<string>;
  /** How often the JWKS was fetched. */
  readonly fetches: number;
  close(): Promise<void>;
}

/** The server's `entra` settings for tokens from `issuer`, with the default admin role. */
export function testEntraConfig(
  issuer: TestIssuer,
  overrides: Partial<NonNullable<Config['entra']>> = {},
): NonNullable<Config['entra']> {
  return {
    tenantId: TEST_TENANT,
    audience: [TEST_AUDIENCE],
    jwksUrl: issuer.jwksUrl,
    issuers: [issuer.issuer],
    adminRole: 'TLSGate.Admin',
    adminGroupId: null,
    ...overrides,
  };
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === '/keys') {
      fetches++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`;
  return {
    jwksUrl: `http://127.0.0.1:${port}/keys`,
    issuer,
    get fetches() {
      return fetches;
    },
    token(claims = {}, options = {}) {
      return new SignJWT({ tid: TEST_TENANT, oid: 'user-1', name: 'Test User', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? TEST_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Who the stand-in sign-in page signs in next: the claims of the access token it hands out. */
export interface SignInUser {
  oid: string;
  name: string;
  roles?: string[];
  groups?: string[];
}

export interface TestOidcProvider {
  /** The authority the console is configured with, e.g. https://127.0.0.1:4321/<tenant>/v2.0 */
  authority: string;
  /** The next sign-in (no login form: the page signs this user in at once). */
  user: SignInUser;
  /** Authorization requests seen, for asserting PKCE and the redirect. */
  readonly requests: URLSearchParams[];
  close(): Promise<void>;
}

/**
 * Entra ID's sign-in for single-page apps, on loopback HTTPS: OpenID discovery, an authorize endpoint that
 * signs `user` in at once and redirects back with a code, and a token endpoint that checks the PKCE
 * verifier and returns an access token from `issuer` (which the backend verifies) and an ID token.
 */
export async function startOidcProvider(
  issuer: TestIssuer,
  tls: { cert: string; key: string },
  clientId: string,
): Promise<TestOidcProvider> {
  const codes = new Map<
    string,
    { challenge: string; nonce: string; redirectUri: string; user: SignInUser }
  >();
  const requests: URLSearchParams[] = [];
  let authority = '';
  const provider: TestOidcProvider = {
    get authority() {
      return authority;
    },
    user: { oid: 'admin-1', name: 'Ada Admin', roles: ['TLSGate.Admin'] },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  const server = createHttpsServer(tls, (request, response) => {
    const url = new URL(request.url ?? '/', authority);
    const base = new URL(authority).pathname.replace(/\/v2\.0$/, '');
    // Entra answers discovery and token requests from any origin (SPAs call them from the browser).
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('access-control-allow-headers', '*');
    const json = (status: number, body: object): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === `${base}/v2.0/.well-known/openid-configuration`) {
      json(200, {
        issuer: authority,
        authorization_endpoint: `${url.origin}${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${url.origin}${base}/oauth2/v2.0/token`,
        jwks_uri: issuer.jwksUrl,
        response_types_supported: ['code'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
      return;
    }
    if (url.pathname === `${base}/oauth2/v2.0/authorize`) {
      const params = url.searchParams;
      requests.push(params);
      const redirectUri = params.get('redirect_uri') ?? '';
      if (params.get('client_id') !== clientId || params.get('code_challenge_method') !== 'S256') {
        response.writeHead(400).end('bad authorization request');
        return;
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        challenge: params.get('code_challenge') ?? '',
        nonce: params.get('nonce') ?? '',
        redirectUri,
        user: { ...provider.user },
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', params.get('state') ?? '');
      response.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === `${base}/oauth2/v2.0/token` && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(body);
          const grant = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (!grant || grant.challenge !== challenge || grant.redirectUri !== form.get('redirect_uri')) {
            json(400, {
              error: 'invalid_grant',
              error_description: 'The code or its verifier is not valid.',
            });
            return;
          }
          const { oid, name, roles, groups } = grant.user;
          json(200, {
            token_type: 'Bearer',
            expires_in: 600,
            access_token: await issuer.token({
              oid,
              name,
              ...(roles ? { roles } : {}),
              ...(groups ? { groups } : {}),
            }),
            id_token: await issuer.token(
              { oid, name, sub: oid, nonce: grant.nonce },
              { issuer: authority, audience: clientId },
            ),
          });
        })();
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  authority = `https://127.0.0.1:${port}/${TEST_TENANT}/v2.0`;
  return provider;
}
