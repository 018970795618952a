import type { FastifyContextConfig, FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../errors';
import type { PortalSession } from '../store/portal-store';
import { extensionEnd, infoPage, messagePage, revokeConfirmPage, type MessageView } from './html';
import { formatDate, STRINGS } from './i18n';
import type { PortalPageDeps, SignedIn, TokenParams, TokenRequest } from './page-deps';
import type { LinkContext } from './service';

/**
 * The sender's forms on their own page (a sender link, signed in with a code to the sender's address):
 * Extend, up to the message's maximum, and Revoke, after a confirmation page. Plain forms with the session's
 * CSRF token, so they work without scripts; what they do is the sender API's revoke and extend.
 */

/** pages.ts's rendering, sessions and CSRF tokens, and its cookies. */
export interface SenderPageDeps extends PortalPageDeps {
  /** Clears the session cookie (the session itself is gone with the message). */
  endSession: (reply: FastifyReply, token: string) => void;
}

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export interface SenderPages {
  /** The page's view; the sender's carries the latest expiry an extension may set. */
  view(ctx: LinkContext, session: PortalSession): Promise<MessageView>;
  /** Registers POST /m/:token/revoke and /m/:token/extend. */
  routes(app: FastifyInstance, formLimit: FastifyContextConfig): void;
}

export function senderPages(deps: SenderPageDeps): SenderPages {
  const { service, html, lang, csrfFor } = deps;
  const path = (token: string) => `/portal/m/${token}`;

  async function view(ctx: LinkContext, session: PortalSession): Promise<MessageView> {
    const seen = await service.view(ctx, session);
    if (session.role !== 'sender') return seen;
    const summary = await service.get(ctx.message.sender, ctx.message.id);
    return { ...seen, maxExpiresAt: Date.parse(summary.maxExpiresAt) };
  }

  /**
   * A live link, a sender's session on it and that session's CSRF token; otherwise the answer is sent here:
   * 404 for a dead link, to sign-in without a session, 403 for a recipient or a missing or wrong token.
   */
  async function senderForm(
    request: TokenRequest,
    reply: FastifyReply,
  ): Promise<{ ctx: LinkContext; signedIn: SignedIn } | null> {
    const ctx = await deps.context(request);
    if (!ctx) {
      void deps.info(request, reply, 404, 'gone');
      return null;
    }
    const { token } = request.params;
    const signedIn = await deps.sessionOf(request, ctx);
    if (!signedIn) {
      void reply.redirect(path(token), 303);
      return null;
    }
    const t = STRINGS[lang(request)];
    if (signedIn.session.role !== 'sender') {
      void html(reply, 403, infoPage(lang(request), t.errorTitle, t.senderOnly));
      return null;
    }
    if (!deps.csrfOk('session', signedIn.id, field(request.body, '_csrf'))) {
      const page = messagePage(
        lang(request),
        token,
        csrfFor('session', signedIn.id),
        await view(ctx, signedIn.session),
        { kind: 'bad', text: t.badForm },
      );
      void html(reply, 403, page);
      return null;
    }
    return { ctx, signedIn };
  }

  function routes(app: FastifyInstance, formLimit: FastifyContextConfig): void {
    app.post<{ Params: TokenParams }>('/m/:token/revoke', { config: formLimit }, async (request, reply) => {
      const checked = await senderForm(request, reply);
      if (!checked) return reply;
      const { ctx, signedIn } = checked;
      const { token } = request.params;
      const language = lang(request);
      if (field(request.body, 'confirm') !== 'yes')
        return html(reply, 200, revokeConfirmPage(language, token, csrfFor('session', signedIn.id)));
      // Closing the message deletes its key, contents and every session on it, this one included.
      await service.revoke(ctx.message.sender, ctx.message.id);
      deps.endSession(reply, token);
      const t = STRINGS[language];
      return html(reply, 200, infoPage(language, t.revokedTitle, t.revoked));
    });

    app.post<{ Params: TokenParams }>('/m/:token/extend', { config: formLimit }, async (request, reply) => {
      const checked = await senderForm(request, reply);
      if (!checked) return reply;
      const { ctx, signedIn } = checked;
      const { token } = request.params;
      const language = lang(request);
      const t = STRINGS[language];
      const current = await view(ctx, signedIn.session);
      const max = current.maxExpiresAt ?? ctx.message.createdAt;
      const refuse = (text: string) =>
        html(
          reply,
          400,
          messagePage(language, token, csrfFor('session', signedIn.id), current, { kind: 'bad', text }),
        );
      const end = extensionEnd(field(request.body, 'until').slice(0, 20), ctx.message.createdAt);
      if (end === null) return refuse(t.extendInvalid);
      if (end > max) return refuse(t.extendTooLate(formatDate(language, max)));
      try {
        await service.extend(ctx.message.sender, ctx.message.id, end);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // The maximum was checked above, so what remains is a day already past.
        if (error.code === 'VALIDATION_FAILED') return refuse(t.extendPast);
        if (error.code === 'MESSAGE_CLOSED') return deps.info(request, reply, 404, 'gone');
        throw error;
      }
      return reply.redirect(`${path(token)}?extended=1`, 303);
    });
  }

  return { view, routes };
}
