/** Request bodies larger than this are refused (the policy routes allow more). */
export const API_BODY_LIMIT = 64 * 1024;
/** A whole policy (PUT /admin/policy, the editor's dry run) may carry large rule lists. */
export const POLICY_BODY_LIMIT = 1024 * 1024;
