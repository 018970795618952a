import { ApiCallError } from '../addin/shared/api';
import type { AdminStrings } from './strings';

/** What to tell the admin about a failed call: the server's own explanation when it gave one. */
export function problemText(error: unknown, s: AdminStrings): string {
  if (!(error instanceof ApiCallError)) return s.failures.unknown;
  if (error.detail) return error.detail;
  switch (error.kind) {
    case 'unauthorized':
      return s.failures.unauthorized;
    case 'timeout':
      return s.failures.timeout;
    case 'unreachable':
      return s.failures.unreachable;
    case 'rejected':
      return s.failures.rejected(error.status);
    case 'bad-response':
      return s.failures.badResponse;
  }
}
