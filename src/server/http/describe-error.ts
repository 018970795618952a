import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, ERRORS, type ErrorCode } from '../errors';

export interface DescribedError {
  status: number;
  code: ErrorCode;
  message: string;
}

function catalogued(code: ErrorCode, message: string = ERRORS[code].message): DescribedError {
  return { status: ERRORS[code].status, code, message };
}

/** Maps every error to a catalogue code and a message without internals. */
export function describeError(error: FastifyError): DescribedError {
  if (error instanceof ApiError)
    return { status: error.statusCode, code: error.code, message: error.message };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation
      .slice(0, 5)
      .map((issue) => {
        const where = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
        return `${error.validationContext ?? 'request'}${where ? `.${where}` : ''}: ${issue.message}`;
      })
      .join('; ');
    return catalogued('VALIDATION_FAILED', issues);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return catalogued('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return catalogued('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return catalogued('VALIDATION_FAILED', 'The body is not valid JSON.');
  }
  if (error.statusCode === 429) return catalogued('RATE_LIMITED');
  if (error.statusCode === 405) return catalogued('METHOD_NOT_ALLOWED', error.message);
  // Any other client error Fastify raises keeps its own status; the request was at fault.
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return { status: error.statusCode, code: 'VALIDATION_FAILED', message: error.message };
  return catalogued('INTERNAL');
}
