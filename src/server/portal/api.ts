import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { errorResponses } from '../../contract/error-schema';
import {
  extendBody,
  linkCheckBody,
  linkCheckResponse,
  messageAuditQuery,
  messageAuditResponse,
  messageIdParams,
  messageListQuery,
  messageListResponse,
  newMessageSchema,
  portalCreatedSchema,
  portalMessageSchema,
  repliesResponse,
  replyAttachmentParams,
} from '../../contract/portal';
import { ApiError, type ErrorCode } from '../errors';
import { recordPortalSend } from '../http/portal-send';
import { cleanName, cleanType, sendDownload } from './files';
import {
  messageExpiry,
  PORTAL_LIMITS,
  normalizeAddress,
  type NewMessage,
  type PortalService,
} from './service';

/**
 * The sender's side, under /api/v1/portal (the task pane calls it; the auth hook has set request.identity).
 * A message is uploaded as multipart/form-data: first a `message` field holding JSON, then one file part
 * per attachment. Only this route accepts more than the API's 64 KiB, and only as multipart.
 */

/** Everything a create request may carry: attachments, the message field, and multipart framing. */
export const MAX_UPLOAD_BYTES = PORTAL_LIMITS.attachmentBytes + 4 * 1024 * 1024 + 256 * 1024;
const MESSAGE_FIELD_BYTES = 4 * 1024 * 1024;

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `message${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`)
    .join('; ');
}

function senderOf(request: FastifyRequest): string {
  const identity = request.identity;
  if (!identity) throw new ApiError('UNAUTHENTICATED');
  return identity.subject;
}

/**
 * The address recipients see as From and the sender's own codes go to. With entra auth only the one the
 * token vouches for: a client cannot send in someone else's name.
 */
function senderAddress(request: FastifyRequest, given: string | undefined, mode: 'open' | 'entra'): string {
  if (mode === 'open') {
    if (given === undefined)
      throw new ApiError('VALIDATION_FAILED', 'message.senderEmail: the sender address is required');
    return given;
  }
  const own = request.identity?.email;
  if (own === undefined)
    throw new ApiError(
      'SENDER_MISMATCH',
      'Your sign-in carries no mail address (preferred_username or upn), so the portal cannot name you as the sender.',
    );
  if (given !== undefined && normalizeAddress(given) !== normalizeAddress(own))
    throw new ApiError('SENDER_MISMATCH');
  return own;
}

const MULTIPART_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_REQ_FILE_TOO_LARGE: [
    'BODY_TOO_LARGE',
    `Attachments may total at most ${PORTAL_LIMITS.attachmentBytes / 1048576} MiB.`,
  ],
  FST_FILES_LIMIT: ['BODY_TOO_LARGE', `A message may have at most ${PORTAL_LIMITS.attachments} attachments.`],
  FST_FIELDS_LIMIT: ['VALIDATION_FAILED', 'Send one field, "message", and then the attachments as files.'],
  FST_PARTS_LIMIT: ['VALIDATION_FAILED', 'Too many parts in the form.'],
  FST_PROTO_VIOLATION: ['VALIDATION_FAILED', 'A field name is not allowed.'],
  FST_MP_PREMATURE_CLOSE: ['VALIDATION_FAILED', 'The upload ended early.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data.'],
};

function multipartError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const known = typeof code === 'string' ? MULTIPART_ERRORS[code] : undefined;
  return known ? new ApiError(known[0], known[1]) : error;
}

export async function portalApiRoutes(
  app: FastifyInstance,
  options: { service: PortalService },
): Promise<void> {
  const { service } = options;
  // Only in this plugin's scope: elsewhere multipart stays a 415.
  await app.register(fastifyMultipart, {
    limits: {
      fieldNameSize: 100,
      fieldSize: MESSAGE_FIELD_BYTES,
      fields: 1,
      files: PORTAL_LIMITS.attachments,
      fileSize: PORTAL_LIMITS.attachmentBytes,
      parts: PORTAL_LIMITS.attachments + 2,
      headerPairs: 50,
    },
    throwFileSizeLimit: true,
  });
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/messages',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      // Refused before a byte of the body is read: a declared size over the limit, or anything but multipart
      // (the JSON parser would otherwise buffer up to this route's larger limit).
      onRequest: (request, _reply, done) => {
        const type = request.headers['content-type'] ?? '';
        if (!/^multipart\/form-data\s*;/i.test(type)) {
          done(
            new ApiError(
              'UNSUPPORTED_MEDIA_TYPE',
              'Send multipart/form-data: a "message" field, then the attachments.',
            ),
          );
          return;
        }
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > MAX_UPLOAD_BYTES) {
          done(
            new ApiError(
              'BODY_TOO_LARGE',
              `The upload is too large: attachments may total at most ${PORTAL_LIMITS.attachmentBytes / 1048576} MiB.`,
            ),
          );
          return;
        }
        done();
      },
      schema: {
        summary: 'Send a message through the secure portal',
        description: `multipart/form-data. First a field "message" with JSON (senderEmail, subject, body, format html|text, recipients, expiresInDays (default the policy's portalDefaultExpiryDays, at most its portalMaxExpiryDays), verification {method: email-code|sms-code|access-code, accessCode}, language), then up to ${PORTAL_LIMITS.attachments} file parts, at most ${PORTAL_LIMITS.attachmentBytes / 1048576} MiB together. Returns the link to give the recipients.`,
        consumes: ['multipart/form-data'],
        response: { 201: portalCreatedSchema, ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const sender = senderOf(request);
      const policy = (await app.services.policy.current()).policy;
      if (!policy.portal) throw new ApiError('PORTAL_DISABLED');

      const draft = service.draft();
      let input: z.output<typeof newMessageSchema> | null = null;
      let senderEmail = '';
      let expiry = { days: 0, maxDays: 0 };
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname !== 'message' || input !== null)
              throw new ApiError(
                'VALIDATION_FAILED',
                'Send one field, "message", and then the attachments as files.',
              );
            if (part.valueTruncated) throw new ApiError('BODY_TOO_LARGE', 'The message field is too large.');
            let json: unknown;
            try {
              json = JSON.parse(String(part.value));
            } catch {
              throw new ApiError('VALIDATION_FAILED', 'The "message" field is not valid JSON.');
            }
            const parsed = newMessageSchema.safeParse(json);
            if (!parsed.success) throw new ApiError('VALIDATION_FAILED', issues(parsed.error));
            input = parsed.data;
            // Before any attachment is read: a refused expiry uploads nothing in vain.
            expiry = messageExpiry(input.expiresInDays, policy);
            senderEmail = senderAddress(request, input.senderEmail, app.services.config.auth);
            if (!service.canVerifyWith(input.verification.method))
              throw new ApiError(
                'PORTAL_NOT_CONFIGURED',
                input.verification.method === 'email-code'
                  ? 'Email codes need a mail relay (TLSGATE_SMTP_URL); choose access-code, or ask the administrator.'
                  : 'SMS codes need an SMS provider (TLSGATE_SMS_PROVIDER); choose another method, or ask the administrator.',
              );
            continue;
          }
          // Checked before any attachment is read, so nothing is uploaded in vain.
          if (input === null)
            throw new ApiError('VALIDATION_FAILED', 'Send the "message" field first, then the attachments.');
          const name = cleanName(part.filename);
          if (name.length > PORTAL_LIMITS.attachmentName)
            throw new ApiError(
              'VALIDATION_FAILED',
              `Attachment names may be at most ${PORTAL_LIMITS.attachmentName} characters.`,
            );
          const received = await draft.receive(name, cleanType(part.mimetype), part.file);
          if (received === 'count')
            throw new ApiError(
              'BODY_TOO_LARGE',
              `A message may have at most ${PORTAL_LIMITS.attachments} attachments.`,
            );
          if (received === 'bytes')
            throw new ApiError(
              'BODY_TOO_LARGE',
              `Attachments may total at most ${PORTAL_LIMITS.attachmentBytes / 1048576} MiB.`,
            );
        }
      } catch (error) {
        throw multipartError(error);
      }
      if (input === null) throw new ApiError('VALIDATION_FAILED', 'The "message" field is missing.');

      const message: NewMessage = {
        sender,
        senderEmail,
        subject: input.subject,
        format: input.format,
        body: input.body,
        recipients: input.recipients.map((r) => (typeof r === 'string' ? { email: r } : r)),
        expiresInDays: expiry.days,
        maxExpiryDays: expiry.maxDays,
        verification: input.verification,
        language: input.language,
      };
      const created = await service.commit(draft, message);
      request.log.info(
        { portalMessage: created.id, attachments: draft.attachments.length, bytes: draft.bytes },
        'portal message created',
      );
      // The message exists whatever happens here: a count that fails to land is logged, not an error.
      await recordPortalSend(
        app,
        message.recipients.map((recipient) => recipient.email),
      ).catch((error: unknown) => {
        request.log.warn({ err: error }, 'activity: could not count a portal send');
      });
      return reply
        .status(201)
        .header('location', `/api/v1/portal/messages/${created.id}`)
        .send({
          id: created.id,
          link: created.link,
          expiresAt: new Date(created.expiresAt).toISOString(),
          verification: input.verification.method,
        });
    },
  );

  api.post(
    '/links/check',
    {
      schema: {
        summary: 'Whether a portal link is live and yours',
        description:
          "The on-send check asks before it trusts a portal notice in a draft: live only for the recipient link of an active message of the signed-in sender; revoked, expired, someone else's and unknown links are not.",
        body: linkCheckBody,
        response: { 200: linkCheckResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const live = await service.linkIsLive(senderOf(request), request.body.link);
      return reply.header('cache-control', 'no-store').send({ live });
    },
  );

  api.get(
    '/messages',
    {
      schema: {
        summary: 'Your portal messages',
        description:
          'Newest first, with status (delivered, opened, revoked, expired) and per recipient when it was first and last opened.',
        querystring: messageListQuery,
        response: { 200: messageListResponse, ...errorResponses(401) },
      },
    },
    async (request) => ({ messages: await service.list(senderOf(request), request.query.limit) }),
  );

  api.get(
    '/messages/:id',
    {
      schema: {
        summary: 'One of your portal messages',
        params: messageIdParams,
        response: { 200: portalMessageSchema, ...errorResponses(401, 404) },
      },
    },
    (request) => service.get(senderOf(request), request.params.id),
  );

  api.get(
    '/messages/:id/audit',
    {
      schema: {
        summary: "A portal message's audit log",
        description:
          'Created, code sent, code failures, lockouts, opens, downloads, replies, extension, revocation, expiry. Metadata only.',
        params: messageIdParams,
        querystring: messageAuditQuery,
        response: { 200: messageAuditResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => ({
      events: await service.audit(senderOf(request), request.params.id, request.query.limit),
    }),
  );

  api.get(
    '/messages/:id/replies',
    {
      schema: {
        summary: "Recipients' replies to a portal message",
        params: messageIdParams,
        response: { 200: repliesResponse, ...errorResponses(401, 404, 409) },
      },
    },
    async (request, reply) => {
      const replies = await service.replies(senderOf(request), request.params.id);
      return reply.header('cache-control', 'no-store').send({ replies });
    },
  );

  api.get(
    '/messages/:id/replies/:reply/attachments/:index',
    {
      // No HEAD twin: a HEAD would count as a download in the audit log.
      exposeHeadRoute: false,
      schema: {
        summary: "Download a file of a recipient's reply",
        description:
          "The file as the recipient sent it, as an attachment (Content-Disposition with its sanitised name). `reply` is the reply's `id` and `index` the file's `index` in the replies listing.",
        params: replyAttachmentParams,
        response: errorResponses(400, 401, 404, 409),
      },
    },
    async (request, reply) => {
      const { id, reply: replyId, index } = request.params;
      const file = await service.replyFile(senderOf(request), id, replyId, index);
      if (!file) throw new ApiError('NOT_FOUND', 'No such file in this reply.');
      return sendDownload(reply, file);
    },
  );

  api.post(
    '/messages/:id/revoke',
    {
      schema: {
        summary: 'Revoke a portal message',
        description:
          'Destroys its key and contents at once; the link and any open sessions stop working. Idempotent.',
        params: messageIdParams,
        response: { 200: portalMessageSchema, ...errorResponses(401, 404) },
      },
    },
    (request) => service.revoke(senderOf(request), request.params.id),
  );

  api.post(
    '/messages/:id/extend',
    {
      schema: {
        summary: "Change a portal message's expiry",
        description:
          "A new expiry in the future, at most maxExpiresAt: the policy's portalMaxExpiryDays when the message was sent, counted from then.",
        params: messageIdParams,
        body: extendBody,
        response: { 200: portalMessageSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    (request) => service.extend(senderOf(request), request.params.id, Date.parse(request.body.expiresAt)),
  );
}
