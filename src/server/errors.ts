import { ERRORS, type ErrorCode } from '../contract/errors';

/** The server's side of the error catalogue (src/contract/errors.ts): an error that is one of its codes. */

export { ERRORS, errorBody, type ErrorBody, type ErrorCode } from '../contract/errors';

export interface ApiErrorOptions {
  /** Sent as Retry-After (429, 503). */
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  /** The code's status in the catalogue; Fastify and the error handlers read it. */
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;

  /** The catalogue's message, or `message` where the caller knows more. */
  constructor(code: ErrorCode, options?: ApiErrorOptions);
  constructor(code: ErrorCode, message: string, options?: ApiErrorOptions);
  constructor(
    readonly code: ErrorCode,
    messageOrOptions?: string | ApiErrorOptions,
    options?: ApiErrorOptions,
  ) {
    super(typeof messageOrOptions === 'string' ? messageOrOptions : ERRORS[code].message);
    this.name = 'ApiError';
    this.statusCode = ERRORS[code].status;
    const given = typeof messageOrOptions === 'string' ? options : messageOrOptions;
    this.retryAfterSeconds = given?.retryAfterSeconds;
  }
}
