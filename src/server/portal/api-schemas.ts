import { z } from 'zod';
import { DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, PORTAL_LIMITS } from './model';

/** The shapes of the sender's portal API (api.ts): what a new message may hold, and a message's summary. */

const address = z.email().max(254);
const phone = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, 'give the phone number in international form, e.g. +31612345678');

export const newMessageSchema = z
  .object({
    senderEmail: address
      .optional()
      .describe(
        'Shown to recipients as the sender, and where the sender is told of replies and lockouts. Required with open auth; with entra auth it is the signed-in address, and any other is refused.',
      ),
    subject: z.string().max(PORTAL_LIMITS.subject),
    body: z.string().refine((body) => Buffer.byteLength(body, 'utf8') <= PORTAL_LIMITS.bodyBytes, {
      error: `the body may be at most ${PORTAL_LIMITS.bodyBytes / 1048576} MiB`,
    }),
    format: z.enum(['html', 'text']).default('html'),
    recipients: z
      .array(z.union([address, z.object({ email: address, phone: phone.optional() }).strict()]))
      .min(1)
      .max(PORTAL_LIMITS.recipients),
    expiresInDays: z.number().int().min(1).max(MAX_EXPIRY_DAYS).default(DEFAULT_EXPIRY_DAYS),
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

const recipientSummary = z.object({
  address: z.string().nullable(),
  firstOpenedAt: z.string().nullable(),
  lastOpenedAt: z.string().nullable(),
});

export const summarySchema = z
  .object({
    id: z.string(),
    status: z.enum(['delivered', 'opened', 'revoked', 'expired']),
    createdAt: z.string(),
    expiresAt: z.string(),
    maxExpiresAt: z.string(),
    closedAt: z.string().nullable(),
    subject: z.string().nullable(),
    verification: z.enum(['email-code', 'sms-code', 'access-code']),
    attachments: z.number(),
    replies: z.number(),
    lockedUntil: z.string().nullable(),
    recipients: z.array(recipientSummary),
  })
  .meta({ id: 'PortalMessage' });
