import { isDeepStrictEqual } from 'node:util';
import type { PolicyChange } from './store/store';

/**
 * What changed between two policies, for the audit log. Lists of plain values diff as sets, and so do lists
 * of forced-TLS entries (a changed level shows as the old entry removed and the new one added).
 */
export function diffPolicy(before: unknown, after: unknown, path = ''): PolicyChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const plain = (list: unknown[]): boolean =>
      list.every((item) => typeof item !== 'object' || item === null);
    const entries = (list: unknown[]): boolean => list.every((item) => isRecord(item) && 'domain' in item);
    if ((plain(before) && plain(after)) || (entries(before) && entries(after))) {
      const has = (list: unknown[], item: unknown): boolean => list.some((x) => isDeepStrictEqual(x, item));
      const added = after.filter((item) => !has(before, item));
      const removed = before.filter((item) => !has(after, item));
      return added.length || removed.length ? [{ path: path || '.', added, removed }] : [];
    }
    return [{ path: path || '.', before, after }];
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffPolicy(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return [{ path: path || '.', before, after }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
