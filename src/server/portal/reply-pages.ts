import fastifyMultipart, { type FastifyMultipartOptions } from '@fastify/multipart';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { cleanName, cleanType } from './files';
import { messagePage } from './html';
import { STRINGS } from './i18n';
import { PORTAL_LIMITS, REPLY_LIMITS, type ReplyDraft } from './model';
import type { PortalPageDeps, TokenParams } from './page-deps';

/**
 * A recipient's reply, from the form on their page: multipart/form-data with the `_csrf` and `text` fields,
 * then up to REPLY_LIMITS.attachments files, sealed as they stream in (a form without files may also come
 * urlencoded). The reply, files and all, is stored only once the whole form was read within every limit;
 * otherwise the page says why and nothing is stored.
 */

/** The text's field may hold 20,000 characters of up to 4 bytes each, and a little more to notice excess. */
const TEXT_FIELD_BYTES = 4 * PORTAL_LIMITS.replyChars + 1024;

/** Everything a reply form may carry: its files, its fields and multipart framing. */
export const MAX_REPLY_UPLOAD = REPLY_LIMITS.attachmentBytes + TEXT_FIELD_BYTES + 64 * 1024;

/**
 * The parser's own limits, a step beyond ours, so that the sealing counts (SealedFiles.receive) decide and
 * the parser only stops what is far out of bounds: one more file than allowed, a byte more than allowed.
 */
export const REPLY_MULTIPART: FastifyMultipartOptions = {
  limits: {
    fieldNameSize: 100,
    fieldSize: TEXT_FIELD_BYTES,
    fields: 2,
    files: REPLY_LIMITS.attachments + 1,
    fileSize: REPLY_LIMITS.attachmentBytes + 1,
    parts: REPLY_LIMITS.attachments + 3,
    headerPairs: 50,
  },
  throwFileSizeLimit: true,
};

export type ReplyFormProblem = 'csrf' | 'text' | 'count' | 'bytes' | 'name' | 'form';

export type ReplyForm = { ok: true; text: string } | { ok: false; problem: ReplyFormProblem };

/** What the parser's errors mean for the form; anything else (a malformed or cut-off body) is 'form'. */
const PARSER_PROBLEMS: Record<string, ReplyFormProblem> = {
  FST_REQ_FILE_TOO_LARGE: 'bytes',
  FST_FILES_LIMIT: 'count',
};

/**
 * Reads the form into `draft`. `csrfOk` is asked before the first file is read, so a forged form uploads
 * nothing; a form without files is checked at its end.
 */
export async function readReplyForm(
  request: FastifyRequest,
  draft: ReplyDraft,
  csrfOk: (given: string) => boolean,
): Promise<ReplyForm> {
  let csrf = '';
  let text = '';
  let checked = false;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname !== '_csrf' && part.fieldname !== 'text') return { ok: false, problem: 'form' };
        if (part.valueTruncated) return { ok: false, problem: part.fieldname === 'text' ? 'text' : 'form' };
        const value = typeof part.value === 'string' ? part.value : '';
        if (part.fieldname === '_csrf') csrf = value;
        else text = value;
        continue;
      }
      // A file input left empty still sends a part: no bytes, and an empty name or none.
      if (!part.filename) {
        part.file.resume();
        continue;
      }
      if (!checked) {
        if (!csrfOk(csrf)) return { ok: false, problem: 'csrf' };
        checked = true;
      }
      const name = cleanName(part.filename);
      if (name.length > PORTAL_LIMITS.attachmentName) return { ok: false, problem: 'name' };
      const received = await draft.receive(name, cleanType(part.mimetype), part.file);
      if (received !== 'ok') return { ok: false, problem: received };
      if (part.file.truncated) return { ok: false, problem: 'bytes' };
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, problem: (typeof code === 'string' ? PARSER_PROBLEMS[code] : undefined) ?? 'form' };
  }
  if (!checked && !csrfOk(csrf)) return { ok: false, problem: 'csrf' };
  return { ok: true, text };
}

/** pages.ts's rendering, sessions and CSRF tokens. */
export interface ReplyPageOptions extends PortalPageDeps {
  formLimit: FastifyContextConfig;
}

type ProblemText = 'replyEmpty' | 'replyTooManyFiles' | 'replyTooLarge' | 'replyNameTooLong' | 'replyBadForm';

const PROBLEMS: Record<Exclude<ReplyFormProblem, 'csrf'>, { status: number; text: ProblemText }> = {
  text: { status: 400, text: 'replyEmpty' },
  count: { status: 413, text: 'replyTooManyFiles' },
  bytes: { status: 413, text: 'replyTooLarge' },
  name: { status: 400, text: 'replyNameTooLong' },
  form: { status: 400, text: 'replyBadForm' },
};

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The reply route, in a scope of its own: no other form of the portal takes multipart. */
export async function replyPages(app: FastifyInstance, options: ReplyPageOptions): Promise<void> {
  const { service, html, lang, sessionOf, csrfFor, csrfOk, context } = options;
  await app.register(fastifyMultipart, REPLY_MULTIPART);
  const path = (token: string) => `/portal/m/${token}`;

  app.post<{ Params: TokenParams }>(
    '/m/:token/reply',
    // The urlencoded form's limit; a multipart body is not read by Fastify but streamed, within ours.
    { config: options.formLimit, bodyLimit: 256 * 1024 },
    async (request, reply) => {
      const ctx = await context(request);
      if (!ctx) return options.info(request, reply, 404, 'gone');
      const { token } = request.params;
      const signedIn = await sessionOf(request, ctx);
      if (!signedIn || signedIn.session.role !== 'recipient') return reply.redirect(path(token), 303);
      const again = async (problem: Exclude<ReplyFormProblem, 'csrf'>) => {
        const { status, text } = PROBLEMS[problem];
        const view = await service.view(ctx, signedIn.session);
        return html(
          reply,
          status,
          messagePage(lang(request), token, csrfFor('session', signedIn.id), view, {
            kind: 'bad',
            text: STRINGS[lang(request)][text],
          }),
        );
      };

      let text: string;
      let draft: ReplyDraft | undefined;
      if (request.isMultipart()) {
        // Refused before a byte of it is read.
        if (Number(request.headers['content-length'] ?? 0) > MAX_REPLY_UPLOAD) return again('bytes');
        draft = service.replyDraft(ctx);
        const form = await readReplyForm(request, draft, (given) => csrfOk('session', signedIn.id, given));
        if (!form.ok) return form.problem === 'csrf' ? reply.redirect(path(token), 303) : again(form.problem);
        text = form.text;
      } else {
        if (!csrfOk('session', signedIn.id, field(request.body, '_csrf')))
          return reply.redirect(path(token), 303);
        text = field(request.body, 'text');
      }
      text = text.replace(/\r\n/g, '\n').trim();
      const files = draft?.attachments.length ?? 0;
      if ((text === '' && files === 0) || text.length > PORTAL_LIMITS.replyChars) return again('text');
      await service.reply(ctx, signedIn.session, text, draft);
      return reply.redirect(`${path(token)}?replied=1`, 303);
    },
  );
}
