import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

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
