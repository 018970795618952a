/** Errors the API returns as `{"error": {"code", "message"}}`. Codes are stable; messages are for people. */

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_DOMAIN'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'POLICY_LOCKOUT'
  | 'PRECONDITION_REQUIRED'
  | 'VERSION_CONFLICT'
  | 'NOT_READY'
  /** The instance's probe queue is full; Retry-After says when to try again. */
  | 'BUSY'
  | 'INTERNAL'
  /** The org policy has the secure portal switched off. */
  | 'PORTAL_DISABLED'
  /** The chosen verification needs a mail relay or SMS provider the server does not have. */
  | 'PORTAL_NOT_CONFIGURED'
  /** The portal message was revoked or has expired; it can no longer change. */
  | 'MESSAGE_CLOSED'
  /** A portal message's sender address is not the one the sign-in vouches for (entra mode). */
  | 'SENDER_MISMATCH'
  /** The policy history has no such version (never existed, or before history was kept). */
  | 'POLICY_VERSION_NOT_FOUND'
  /** A rollback would not change the policy: the chosen version equals the current one. */
  | 'NOTHING_TO_ROLL_BACK'
  /** The pasted Get-OutboundConnector output is empty, not JSON, or not connector objects. */
  | 'CONNECTOR_JSON_INVALID';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** Sent as Retry-After (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
