/**
 * Conditional GET (RFC 9110 §13.1.2): whether If-None-Match names the current ETag, so the answer may be
 * 304 Not Modified. Comparison is weak, as the RFC requires for If-None-Match (W/"x" matches "x"), and "*"
 * matches any current answer.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const current = opaque(etag);
  for (const candidate of ifNoneMatch.split(',')) {
    const tag = candidate.trim();
    if (tag === '*' || opaque(tag) === current) return true;
  }
  return false;
}

/** The quoted part of an entity tag, without the weakness marker. */
function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
