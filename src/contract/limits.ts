/**
 * The API's numeric limits. Free of zod, so browser code may import them as values without bundling it;
 * the schemas beside this file and the server's rules read them from here.
 */

/** Domains or addresses per POST /domains/lookup. */
export const MAX_LOOKUP_BATCH = 100;

/** The longest Get-OutboundConnector | ConvertTo-Json paste the connector import reads. */
export const MAX_CONNECTOR_JSON = 2 * 1024 * 1024;

/** The portal's rules (docs/portal.md, "Limits"). */
export const PORTAL_LIMITS = {
  /** All attachments of one message together. */
  attachmentBytes: 25 * 1024 * 1024,
  attachments: 20,
  attachmentName: 200,
  subject: 998,
  /** The body as sent in the `message` field (HTML or text). */
  bodyBytes: 2 * 1024 * 1024,
  recipients: 50,
  replyChars: 20_000,
} as const;

/**
 * The longest expiry a new portal message may ask for, in days. The policy's `portalMaxExpiryDays` (at most
 * this) is the real cap, and `portalDefaultExpiryDays` applies when the request gives none.
 */
export const MAX_EXPIRY_DAYS_ASKED = 365;
