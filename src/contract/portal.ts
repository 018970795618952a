import { z } from 'zod';
import { MAX_EXPIRY_DAYS_ASKED, PORTAL_LIMITS } from './limits';

/** The sender's portal API (/api/v1/portal): what a new message may hold, and what the sender sees of it. */

const address = z.email().max(254);
const phone = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, 'give the phone number in international form, e.g. +31612345678');

/** Whether `text` is at most `max` bytes in UTF-8, counted without encoding it (lone surrogates count 3). */
function fitsUtf8(text: string, max: number): boolean {
  // A UTF-16 unit is 1 to 3 bytes: most bodies are decided by their length alone.
  if (text.length > max) return false;
  if (text.length * 3 <= max) return true;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes <= max;
}

const METHODS = ['email-code', 'sms-code', 'access-code'] as const;

export const newMessageSchema = z
  .object({
    senderEmail: address
      .optional()
      .describe(
        'Shown to recipients as the sender, and where the sender is told of replies and lockouts. Required with open auth; with entra auth it is the signed-in address, and any other is refused.',
      ),
    subject: z.string().max(PORTAL_LIMITS.subject),
    body: z.string().refine((body) => fitsUtf8(body, PORTAL_LIMITS.bodyBytes), {
      error: `the body may be at most ${PORTAL_LIMITS.bodyBytes / 1048576} MiB`,
    }),
    format: z.enum(['html', 'text']).default('html'),
    recipients: z
      .array(z.union([address, z.object({ email: address, phone: phone.optional() }).strict()]))
      .min(1)
      .max(PORTAL_LIMITS.recipients),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_EXPIRY_DAYS_ASKED)
      .optional()
      .describe(
        "Days until the message expires: the policy's portalDefaultExpiryDays when left out, at most its portalMaxExpiryDays.",
      ),
    verification: z
      .discriminatedUnion('method', [
        z.object({ method: z.literal('email-code') }).strict(),
        z.object({ method: z.literal('sms-code') }).strict(),
        z
          .object({
            method: z.literal('access-code'),
            accessCode: z
              .string()
              .min(6, 'an access code has at least 6 characters')
              .max(64)
              .refine((code) => code.trim() === code, 'an access code cannot start or end with a space'),
          })
          .strict(),
      ])
      .default({ method: 'email-code' }),
    language: z
      .enum(['en', 'nl'])
      .default('en')
      .describe("The sender's language, for notices to the sender."),
  })
  .strict()
  .superRefine((message, ctx) => {
    if (message.verification.method !== 'sms-code') return;
    message.recipients.forEach((recipient, index) => {
      if (typeof recipient === 'string' || !recipient.phone)
        ctx.addIssue({
          code: 'custom',
          path: ['recipients', index, 'phone'],
          message: 'sms-code needs a phone number for every recipient',
        });
    });
  });

/** The `message` field of POST /portal/messages, as the client writes it (defaults may be left out). */
export type NewPortalMessage = z.input<typeof newMessageSchema>;

export const portalCreatedSchema = z.object({
  id: z.string(),
  link: z.string(),
  expiresAt: z.string(),
  verification: z.enum(METHODS),
});
export type PortalMessageCreated = z.infer<typeof portalCreatedSchema>;

const recipientSummary = z.object({
  address: z.string().nullable(),
  firstOpenedAt: z.string().nullable(),
  lastOpenedAt: z.string().nullable(),
});

export const portalMessageSchema = z
  .object({
    id: z.string(),
    status: z.enum(['delivered', 'opened', 'revoked', 'expired']),
    createdAt: z.string(),
    expiresAt: z.string(),
    maxExpiresAt: z.string(),
    closedAt: z.string().nullable(),
    subject: z.string().nullable(),
    verification: z.enum(METHODS),
    attachments: z.number(),
    replies: z.number(),
    lockedUntil: z.string().nullable(),
    recipients: z.array(recipientSummary),
  })
  .meta({ id: 'PortalMessage' });
export type PortalMessage = z.infer<typeof portalMessageSchema>;

export const messageIdParams = z.object({ id: z.uuid() });

export const linkCheckBody = z.object({ link: z.string().max(2048) }).strict();
export const linkCheckResponse = z.object({ live: z.boolean() });

export const messageListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const messageListResponse = z.object({ messages: z.array(portalMessageSchema) });

export const messageAuditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });
export const messageAuditResponse = z.object({
  events: z.array(
    z.object({
      at: z.string(),
      kind: z.string(),
      participant: z.number().nullable(),
      address: z.string().nullable(),
      detail: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
    }),
  ),
});

export const replyAttachmentSchema = z.object({
  /** Its position in the reply, from 0: the `index` of its download. */
  index: z.number(),
  name: z.string().describe('As the recipient named it, sanitised (no path or control characters).'),
  size: z.number().describe('Bytes.'),
});
export type ReplyAttachment = z.infer<typeof replyAttachmentSchema>;

export const portalReplySchema = z
  .object({
    id: z.number().describe("The reply's number within the message, from 1; it never changes."),
    from: z.string().nullable(),
    participant: z.number(),
    at: z.string(),
    text: z.string(),
    attachments: z.array(replyAttachmentSchema),
  })
  .meta({ id: 'PortalReply' });
export type PortalReply = z.infer<typeof portalReplySchema>;

export const repliesResponse = z.object({ replies: z.array(portalReplySchema) });

/** GET /portal/messages/{id}/replies/{reply}/attachments/{index}. */
export const replyAttachmentParams = z.object({
  id: z.uuid(),
  reply: z.coerce.number().int().min(1).max(1_000_000),
  index: z.coerce.number().int().min(0).max(99),
});

export const extendBody = z.object({ expiresAt: z.iso.datetime({ offset: true }) }).strict();
