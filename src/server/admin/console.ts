import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';

/**
 * The admin console's page (/admin, built from admin/ into dist/admin.html) and how it signs in
 * (/admin/config.json: public facts only). The page may not be framed, and it may talk to this server
 * and, when Microsoft sign-in is configured, to the sign-in service's discovery and token endpoints.
 */

export interface ConsoleConfigBody {
  auth: Config['auth'];
  signIn: { authority: string; clientId: string; scope: string } | null;
}

export function consoleCsp(config: Config): string {
  const authority = config.adminConsole ? ` ${new URL(config.adminConsole.authority).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${authority}`,
    "img-src 'self' data:",
    // Fluent UI (Griffel) inserts its styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

export function adminConsoleRoutes(app: FastifyInstance, config: Config): void {
  const body: ConsoleConfigBody = { auth: config.auth, signIn: config.adminConsole };
  const csp = consoleCsp(config);
  app.get('/admin/config.json', { schema: { hide: true } }, (_request, reply) =>
    reply.header('cache-control', 'no-cache').send(body),
  );
  // Like /try: registered when dist/ exists; the page itself may be built after the server starts.
  if (!existsSync(config.distDir)) return;
  app.get('/admin', { schema: { hide: true } }, (_request, reply) =>
    reply
      .header('content-security-policy', csp)
      .header('x-frame-options', 'DENY')
      .header('cache-control', 'no-cache')
      .sendFile('admin.html'),
  );
}
