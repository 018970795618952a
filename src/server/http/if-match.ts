import { ApiError } from '../errors';

/** Optimistic concurrency for policy writes: the policy's version is its ETag, and writes send it back. */

export function policyEtag(version: number): string {
  return `"policy-v${version}"`;
}

/** The version an If-Match names, or -1 for an ETag that is not ours (which then conflicts). */
export function expectedVersion(ifMatch: string | undefined): number {
  if (!ifMatch) throw new ApiError('PRECONDITION_REQUIRED');
  const match = /^"policy-v(\d+)"$/.exec(ifMatch.replace(/^W\//, ''));
  return match?.[1] !== undefined ? Number(match[1]) : -1;
}

export function versionConflict(currentVersion: number): ApiError {
  return new ApiError(
    'VERSION_CONFLICT',
    `The policy changed since you loaded it (now version ${currentVersion}); reload and apply your change again.`,
  );
}
