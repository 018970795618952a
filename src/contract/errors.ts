/**
 * The API's error catalogue: every code with its HTTP status and a default message. Errors travel as
 * `{"error": {"code", "message"}}`; codes are stable, messages are for people. Pure (no server imports), so
 * the add-in and the console can read the same table. The list in docs/api.md is checked against it.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  INVALID_DOMAIN: { status: 400, message: 'That is not a domain.' },
  /** The policy would block ordinary mail for everyone. */
  POLICY_LOCKOUT: { status: 400, message: 'The policy would block ordinary mail for everyone.' },
  /** A rollback would not change the policy: the chosen version equals the current one. */
  NOTHING_TO_ROLL_BACK: {
    status: 400,
    message: 'That version is the same as the current policy; nothing would change.',
  },
  /** The pasted Get-OutboundConnector output is empty, not JSON, or not connector objects. */
  CONNECTOR_JSON_INVALID: {
    status: 400,
    message: 'Paste the output of Get-OutboundConnector | ConvertTo-Json',
  },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  FORBIDDEN: { status: 403, message: 'This needs the TLS Gate admin role.' },
  /** The org policy has the secure portal switched off. */
  PORTAL_DISABLED: {
    status: 403,
    message: "The organisation's policy has the secure portal switched off.",
  },
  /** A portal message's sender address is not the one the sign-in vouches for (entra mode). */
  SENDER_MISMATCH: {
    status: 403,
    message: 'A message can only be sent from the address you signed in with.',
  },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  /** The policy history has no such version (never existed, or before history was kept). */
  POLICY_VERSION_NOT_FOUND: { status: 404, message: 'The policy history has no such version.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  /** The portal message was revoked or has expired; it can no longer change. */
  MESSAGE_CLOSED: { status: 409, message: 'The message was revoked or has expired.' },
  VERSION_CONFLICT: {
    status: 412,
    message: 'The policy changed since you loaded it; reload and apply your change again.',
  },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (Content-Type: application/json).' },
  PRECONDITION_REQUIRED: {
    status: 428,
    message: 'Send If-Match with the ETag of the policy you edited.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server; it has been logged.' },
  /** Not ready to answer: the database, the activity store, or a portal message's key is missing. */
  NOT_READY: { status: 503, message: 'The server is not ready.' },
  /** The instance's probe queue is full; Retry-After says when to try again. */
  BUSY: {
    status: 503,
    message: 'The server is checking too many domains right now; try again shortly.',
  },
  /** The chosen verification needs a mail relay or SMS provider the server does not have. */
  PORTAL_NOT_CONFIGURED: {
    status: 503,
    message: 'The chosen verification needs a mail relay or SMS provider the server does not have.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string = ERRORS[code].message): ErrorBody {
  return { error: { code, message } };
}
