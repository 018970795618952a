/** A single-row lookup's answer in the store's async API: the mapped row, or null when there is none. */
export function resolveRow<R, T>(row: R | undefined, map: (row: R) => T): Promise<T | null> {
  return Promise.resolve(row === undefined ? null : map(row));
}
