import { isDeepStrictEqual } from 'node:util';
import type { PolicyChange } from './store/store';

/** What changed between two policies, for the audit log. Lists of plain values diff as sets. */
export function diffPolicy(before: unknown, after: unknown, path = ''): PolicyChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const plain = (list: unknown[]): boolean =>
      list.every((item) => typeof item !== 'object' || item === null);
    if (plain(before) && plain(after)) {
      const added = after.filter((item) => !before.includes(item));
      const removed = before.filter((item) => !after.includes(item));
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
