import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalSession } from '../store/portal-store';
import type { Lang } from './i18n';
import type { LinkContext, PortalService } from './service';

/** What pages.ts shares with the route modules it registers: rendering, sessions and CSRF tokens. */

export interface TokenParams {
  token: string;
}
/** A file's route: the token and the path's numbers (`index`, `reply`), still unchecked text. */
export type FileParams = TokenParams & Partial<Record<'index' | 'reply', string>>;
export type TokenRequest = FastifyRequest<{ Params: TokenParams }>;

export interface SignedIn {
  id: string;
  session: PortalSession;
}

export interface PortalPageDeps {
  service: PortalService;
  html: (reply: FastifyReply, status: number, page: string) => FastifyReply;
  lang: (request: FastifyRequest) => Lang;
  info: (request: FastifyRequest, reply: FastifyReply, status: number, key: 'gone') => FastifyReply;
  sessionOf: (request: FastifyRequest, ctx: LinkContext) => Promise<SignedIn | null>;
  csrfFor: (kind: 'session', id: string) => string;
  csrfOk: (kind: 'session', id: string, given: string) => boolean;
  context: (request: TokenRequest) => Promise<LinkContext | null>;
}
