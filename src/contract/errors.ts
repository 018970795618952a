/** One catalogue row, so that each code stays on one line. */
function e(status: number, message: string): { readonly status: number; readonly message: string } {
  return { status, message };
}

/**
 * The API's error catalogue: every code with its HTTP status and a default message. Errors travel as
 * `{"error": {"code", "message"}}`; codes are stable, messages are for people. Pure (no server imports), so
 * the add-in and the console can read the same table. The list in docs/api.md is checked against it.
 */
export const ERRORS = {
  VALIDATION_FAILED: e(400, 'The request is not valid.'),
  INVALID_DOMAIN: e(400, 'That is not a domain.'),
  /** The policy would block ordinary mail for everyone. */
  POLICY_LOCKOUT: e(400, 'The policy would block ordinary mail for everyone.'),
  /** A rollback would not change the policy: the chosen version equals the current one. */
  NOTHING_TO_ROLL_BACK: e(400, 'That version is the same as the current policy; nothing would change.'),
  /** The pasted Get-OutboundConnector output is empty, not JSON, or not connector objects. */
  CONNECTOR_JSON_INVALID: e(400, 'Paste the output of Get-OutboundConnector | ConvertTo-Json'),
  /** A `*.` forced-TLS entry: it covers many domains and names none to probe. */
  FORCED_TLS_NOT_CHECKABLE: e(400, 'A *. entry covers many domains and names none to check.'),
  UNAUTHENTICATED: e(401, 'Sign in first.'),
  FORBIDDEN: e(403, 'This needs the TLS Gate admin role.'),
  /** The org policy has the secure portal switched off. */
  PORTAL_DISABLED: e(403, "The organisation's policy has the secure portal switched off."),
  /** A portal message's sender address is not the one the sign-in vouches for (entra mode). */
  SENDER_MISMATCH: e(403, 'A message can only be sent from the address you signed in with.'),
  NOT_FOUND: e(404, 'Not found.'),
  /** The policy history has no such version (never existed, or before history was kept). */
  POLICY_VERSION_NOT_FOUND: e(404, 'The policy history has no such version.'),
  /** A health check asked for a domain that is not (exactly) on the forced-TLS list. */
  FORCED_TLS_NOT_LISTED: e(404, 'That domain is not on the forced-TLS list.'),
  METHOD_NOT_ALLOWED: e(405, 'This method is not allowed here.'),
  /** The portal message was revoked or has expired; it can no longer change. */
  MESSAGE_CLOSED: e(409, 'The message was revoked or has expired.'),
  VERSION_CONFLICT: e(412, 'The policy changed since you loaded it; reload and apply your change again.'),
  BODY_TOO_LARGE: e(413, 'The request body is too large.'),
  UNSUPPORTED_MEDIA_TYPE: e(415, 'Send JSON (Content-Type: application/json).'),
  PRECONDITION_REQUIRED: e(428, 'Send If-Match with the ETag of the policy you edited.'),
  RATE_LIMITED: e(429, 'Too many requests.'),
  INTERNAL: e(500, 'Something went wrong on the server; it has been logged.'),
  /** Not ready to answer: the database, the activity store, or a portal message's key is missing. */
  NOT_READY: e(503, 'The server is not ready.'),
  /** The instance's probe queue is full; Retry-After says when to try again. */
  BUSY: e(503, 'The server is checking too many domains right now; try again shortly.'),
  /** The chosen verification needs a mail relay or SMS provider the server does not have. */
  PORTAL_NOT_CONFIGURED: e(
    503,
    'The chosen verification needs a mail relay or SMS provider the server does not have.',
  ),
} satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string = ERRORS[code].message): ErrorBody {
  return { error: { code, message } };
}
