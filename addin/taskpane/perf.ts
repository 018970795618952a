/**
 * Performance marks for the time from lookup answers arriving to the rows being painted, visible in the
 * browser's performance tools and read by `npm run bench:taskpane`. Marks cost microseconds.
 */
export const STATUSES_ARRIVED = 'tlsgate:statuses-arrived';
export const ROWS_PAINTED = 'tlsgate:rows-painted';

function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

export function markStatusesArrived(): void {
  mark(STATUSES_ARRIVED);
}

/** Called after React committed the rows: the frame that shows them is painted before the timeout runs. */
export function markRowsPaintedAfterFrame(): void {
  if (typeof requestAnimationFrame !== 'function') return;
  requestAnimationFrame(() => {
    setTimeout(() => {
      mark(ROWS_PAINTED);
    }, 0);
  });
}
