import fastifyFormbody from '@fastify/formbody';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyContextConfig,
} from 'fastify';
import { ApiError } from '../errors';
import { cookieJar } from './cookies';
import { sendDownload } from './files';
import { mac, sameBytes } from './crypto';
import {
  codePage,
  infoPage,
  messagePage,
  PORTAL_CSS,
  PORTAL_ICON,
  smsFailedPage,
  startPage,
  type CodeKind,
  type Notice,
} from './html';
import { formatDate, pickLanguage, STRINGS, type Lang } from './i18n';
import { senderPages } from './sender-pages';
import type { FileParams, PortalPageDeps, TokenParams } from './page-deps';
import type { KeyRing } from './keys';
import { replyPages } from './reply-pages';
import type { SmsFailure } from './sms';
import type { AttachmentDownload } from './model';
import { newSecret, SESSION_TTL_MS, type LinkContext, type PortalService } from './service';
import type { PortalSession } from '../store/portal-store';

/**
 * The recipient's pages under /portal. Server-rendered, no scripts, a CSP that allows nothing but our own
 * stylesheet and forms. Two cookies, both signed, HttpOnly, SameSite=Strict and scoped to the message's
 * path: a sign-in flow (which challenge this browser is answering) and, once the code is right, a
 * 30-minute session. Every form carries a CSRF token bound to the one or the other.
 */

export const PORTAL_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const FLOW_COOKIE = 'tgp_flow';
const SESSION_COOKIE = 'tgp_session';

export interface PortalRateLimits {
  /** Page views and downloads per IP per minute. */
  pages: number;
  /** Form posts (address, code, reply) per IP per minute. */
  forms: number;
}

export const DEFAULT_PORTAL_RATE_LIMITS: PortalRateLimits = { pages: 120, forms: 20 };

function form(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export async function portalPages(
  app: FastifyInstance,
  options: { service: PortalService; keys: KeyRing; secureCookies: boolean; rateLimits: PortalRateLimits },
): Promise<void> {
  const { service, keys, secureCookies } = options;
  const jar = cookieJar(keys.cookieSecrets);
  await app.register(fastifyFormbody);

  // Overrides the API's CSP (set by the root hook, which ran first) for everything under /portal.
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers({
      'content-security-policy': PORTAL_CSP,
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    done();
  });

  const lang = (request: FastifyRequest): Lang => pickLanguage(request.headers['accept-language']);
  const html = (reply: FastifyReply, status: number, page: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(page);
  const info = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    key: 'gone' | 'locked' | 'unavailable',
  ) => {
    const t = STRINGS[lang(request)];
    const title = key === 'gone' ? t.goneTitle : key === 'locked' ? t.lockedTitle : t.unavailableTitle;
    return html(reply, status, infoPage(lang(request), title, t[key]));
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = pageStatus(error);
    if (status >= 500) request.log.error({ err: error }, 'portal page failed');
    const t = STRINGS[lang(request)];
    const page =
      status === 429
        ? infoPage(lang(request), t.tooManyTitle, t.tooMany)
        : status === 404
          ? infoPage(lang(request), t.goneTitle, t.notFound)
          : infoPage(lang(request), t.errorTitle, t.error);
    return html(reply, status, page);
  });
  app.setNotFoundHandler((request, reply) => {
    const t = STRINGS[lang(request)];
    return html(reply, 404, infoPage(lang(request), t.goneTitle, t.notFound));
  });

  const limit = (max: number, group: string): FastifyContextConfig => ({
    rateLimit: {
      max,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `portal-${group}:${request.ip}`,
      // The global limiter skips everything outside /api; these routes opt back in, per IP.
      allowList: () => false,
    },
  });
  const pageLimit = limit(options.rateLimits.pages, 'pages');
  const formLimit = limit(options.rateLimits.forms, 'forms');

  const path = (token: string) => `/portal/m/${token}`;
  const cookieAttributes = (token: string) => ({
    path: path(token),
    maxAgeSeconds: SESSION_TTL_MS / 1000,
    secure: secureCookies,
  });
  const csrfFor = (kind: 'flow' | 'session', id: string) => mac(keys.csrf, kind, id).toString('base64url');
  const csrfOk = (kind: 'flow' | 'session', id: string, given: string) =>
    sameBytes(Buffer.from(csrfFor(kind, id)), Buffer.from(given));

  const cookie = (request: FastifyRequest, name: string): string | null => jar.read(request, name);

  async function sessionOf(
    request: FastifyRequest,
    ctx: LinkContext,
  ): Promise<{ id: string; session: PortalSession } | null> {
    const id = cookie(request, SESSION_COOKIE);
    if (!id) return null;
    const session = await service.session(ctx, id);
    return session ? { id, session } : null;
  }

  /** This browser's sign-in flow for the link, started (and its cookie set) if it has none. */
  function flowOf(request: FastifyRequest, reply: FastifyReply, token: string): string {
    const existing = cookie(request, FLOW_COOKIE);
    if (existing) return existing;
    const id = newSecret();
    jar.set(reply, FLOW_COOKIE, id, cookieAttributes(token));
    return id;
  }

  async function context(request: FastifyRequest<{ Params: TokenParams }>): Promise<LinkContext | null> {
    return service.resolve(request.params.token);
  }

  const codeKind = (ctx: LinkContext): CodeKind => service.methodFor(ctx);

  /** The code's text did not go out: 502 (the provider failed us), Retry-After when trying again may help. */
  const smsFailed = (
    reply: FastifyReply,
    language: Lang,
    token: string,
    csrf: string,
    email: string,
    reason: SmsFailure,
  ) => {
    if (reason !== 'invalid-number') void reply.header('retry-after', '300');
    return html(reply, 502, smsFailedPage(language, token, csrf, email, reason));
  };

  // The sender's own page: Extend and Revoke.
  const pageDeps: PortalPageDeps = { service, html, lang, info, sessionOf, csrfFor, csrfOk, context };
  const senders = senderPages({
    ...pageDeps,
    endSession: (reply, token) => {
      jar.clear(reply, SESSION_COOKIE, cookieAttributes(token));
    },
  });
  senders.routes(app, formLimit);

  app.get('/portal.css', { config: pageLimit }, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(PORTAL_CSS),
  );

  app.get('/icon.svg', { config: pageLimit }, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(PORTAL_ICON),
  );

  app.get<{ Params: TokenParams; Querystring: { replied?: string; extended?: string } }>(
    '/m/:token',
    // No HEAD twin: a HEAD would count as an open (or a download) in the audit log.
    { config: pageLimit, exposeHeadRoute: false },
    async (request, reply) => {
      const ctx = await context(request);
      if (!ctx) return info(request, reply, 404, 'gone');
      const { token } = request.params;
      const signedIn = await sessionOf(request, ctx);
      if (signedIn) {
        const t = STRINGS[lang(request)];
        const n: Notice =
          request.query.replied === '1'
            ? { kind: 'good', text: t.replySent }
            : request.query.extended === '1' && signedIn.session.role === 'sender'
              ? { kind: 'good', text: t.extended(formatDate(lang(request), ctx.message.expiresAt)) }
              : null;
        const view = await senders.view(ctx, signedIn.session);
        return html(reply, 200, messagePage(lang(request), token, csrfFor('session', signedIn.id), view, n));
      }
      if (await service.isLocked(ctx, request.ip)) return info(request, reply, 423, 'locked');
      const flow = flowOf(request, reply, token);
      return html(reply, 200, startPage(lang(request), token, csrfFor('flow', flow)));
    },
  );

  /**
   * The common start of both sign-in forms: the link must be live and the form must carry the flow cookie
   * and its CSRF token. Otherwise the reply is sent here (404, or the start page again with `problem`).
   */
  async function signInForm(
    request: FastifyRequest<{ Params: TokenParams }>,
    reply: FastifyReply,
    problem: 'badForm' | 'restart',
  ): Promise<{ ctx: LinkContext; flow: string } | null> {
    const ctx = await context(request);
    if (!ctx) {
      void info(request, reply, 404, 'gone');
      return null;
    }
    const flow = cookie(request, FLOW_COOKIE);
    if (flow && csrfOk('flow', flow, form(request.body, '_csrf'))) return { ctx, flow };
    const { token } = request.params;
    const fresh = flowOf(request, reply, token);
    const text = STRINGS[lang(request)][problem];
    void html(reply, 400, startPage(lang(request), token, csrfFor('flow', fresh), { kind: 'bad', text }));
    return null;
  }

  app.post<{ Params: TokenParams }>('/m/:token/start', { config: formLimit }, async (request, reply) => {
    const checked = await signInForm(request, reply, 'badForm');
    if (!checked) return reply;
    const { ctx, flow } = checked;
    const { token } = request.params;
    const t = STRINGS[lang(request)];
    const email = form(request.body, 'email').trim();
    if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email))
      return html(
        reply,
        400,
        startPage(lang(request), token, csrfFor('flow', flow), { kind: 'bad', text: t.invalidEmail }),
      );
    const result = await service.start(ctx, flow, email, lang(request), request.ip);
    if (result === 'locked') return info(request, reply, 423, 'locked');
    if (result === 'unavailable') return info(request, reply, 503, 'unavailable');
    if (typeof result === 'object')
      return smsFailed(reply, lang(request), token, csrfFor('flow', flow), email, result.smsFailed);
    return html(
      reply,
      200,
      codePage(lang(request), token, csrfFor('flow', flow), { email, kind: codeKind(ctx) }),
    );
  });

  app.post<{ Params: TokenParams }>('/m/:token/verify', { config: formLimit }, async (request, reply) => {
    const checked = await signInForm(request, reply, 'restart');
    if (!checked) return reply;
    const { ctx, flow } = checked;
    const { token } = request.params;
    const t = STRINGS[lang(request)];
    const email = form(request.body, 'email').slice(0, 254);
    const result = await service.verify(ctx, flow, form(request.body, 'code').slice(0, 100), request.ip);
    if (result.ok) {
      jar.clear(reply, FLOW_COOKIE, cookieAttributes(token));
      jar.set(reply, SESSION_COOKIE, result.sessionId, cookieAttributes(token));
      return reply.redirect(path(token), 303);
    }
    switch (result.reason) {
      case 'locked':
        return info(request, reply, 423, 'locked');
      case 'unavailable':
        return info(request, reply, 503, 'unavailable');
      case 'sms-failed':
        return smsFailed(reply, lang(request), token, csrfFor('flow', flow), email, result.sms);
      case 'restart':
        return html(
          reply,
          400,
          startPage(lang(request), token, csrfFor('flow', flow), { kind: 'bad', text: t.restart }),
        );
      case 'wrong':
      case 'void':
        return html(
          reply,
          400,
          codePage(
            lang(request),
            token,
            csrfFor('flow', flow),
            { email, kind: codeKind(ctx) },
            {
              kind: 'bad',
              text: result.reason === 'wrong' ? t.wrongCode : t.voidCode,
            },
          ),
        );
    }
  });

  await app.register(replyPages, { ...pageDeps, formLimit });

  app.post<{ Params: TokenParams }>('/m/:token/logout', { config: formLimit }, async (request, reply) => {
    const { token } = request.params;
    const ctx = await context(request);
    const signedIn = ctx ? await sessionOf(request, ctx) : null;
    if (signedIn && csrfOk('session', signedIn.id, form(request.body, '_csrf'))) {
      await service.endSession(signedIn.id);
      jar.clear(reply, SESSION_COOKIE, cookieAttributes(token));
    }
    return reply.redirect(path(token), 303);
  });

  /** A signed-in download: the "gone" page once the link or file is, the sign-in page without a session. */
  const download =
    (
      open: (
        ctx: LinkContext,
        session: PortalSession,
        params: FileParams,
      ) => Promise<AttachmentDownload | null>,
    ) =>
    async (request: FastifyRequest<{ Params: FileParams }>, reply: FastifyReply) => {
      const ctx = await context(request);
      if (!ctx) return info(request, reply, 404, 'gone');
      const signedIn = await sessionOf(request, ctx);
      if (!signedIn) return reply.redirect(path(request.params.token), 303);
      const file = await open(ctx, signedIn.session, request.params);
      if (!file) return info(request, reply, 404, 'gone');
      return sendDownload(reply, file);
    };

  app.get<{ Params: FileParams }>(
    '/m/:token/attachments/:index',
    { config: pageLimit, exposeHeadRoute: false },
    download(async (ctx, session, { index = '' }) =>
      /^\d{1,3}$/.test(index) ? service.attachment(ctx, session, Number(index)) : null,
    ),
  );

  // A reply's files: the sender may download those of every reply, a recipient those of their own.
  app.get<{ Params: FileParams }>(
    '/m/:token/replies/:reply/attachments/:index',
    { config: pageLimit, exposeHeadRoute: false },
    download(async (ctx, session, { reply: replyId = '', index = '' }) =>
      /^[1-9]\d{0,5}$/.test(replyId) && /^\d{1,3}$/.test(index)
        ? service.replyAttachment(ctx, session, Number(replyId), Number(index))
        : null,
    ),
  );
}

/**
 * An error's page status, by code. The limiter's RATE_LIMITED (429) and Fastify's own client errors (a bad
 * form, too large a body) keep theirs; what the service throws mid-page (MESSAGE_CLOSED when a message closes
 * while it is read, NOT_READY when its key is missing) is the general error page, 500: the reader can do
 * nothing about it.
 */
function pageStatus(error: FastifyError): number {
  if (error instanceof ApiError) return error.code === 'RATE_LIMITED' ? error.statusCode : 500;
  return error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
}
