import { RE2JS } from 're2js';
import { validateRegexPattern } from './custom-rules';

/**
 * Why an org's regex rule is refused, or null. The pattern must pass the add-in's own safety rules (it
 * refuses unsafe patterns at run time anyway) and compile in RE2, which proves it needs no backtracking
 * features. Not exported from index.ts: only policy validation needs it, and the add-in need not bundle RE2.
 */
export function regexRuleProblem(pattern: string, caseInsensitive: boolean): string | null {
  const safe = validateRegexPattern(pattern, caseInsensitive);
  if (!safe.ok) return safe.message;
  try {
    RE2JS.compile(pattern);
  } catch {
    return 'uses a construct that cannot run in linear time (backreferences or lookaround are not allowed)';
  }
  return null;
}
