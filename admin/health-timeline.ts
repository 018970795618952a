import type { HealthSample } from '../src/contract/forced-tls';
import { DELIVERY_STATES, type DeliveryState } from '../src/core/delivery';

/** A domain's delivery history as periods: each check's state lasts until the next check (or `endMs`). */

export interface Segment {
  state: DeliveryState;
  start: number;
  end: number;
}

/** The periods, oldest first, with checks in a row that saw the same state joined into one. */
export function timelineSegments(history: readonly HealthSample[], endMs: number): Segment[] {
  const segments: Segment[] = [];
  history.forEach((sample, index) => {
    const start = Date.parse(sample.at);
    const next = history[index + 1];
    const end = Math.max(start, next ? Date.parse(next.at) : endMs);
    if (Number.isNaN(start) || Number.isNaN(end)) return;
    const last = segments[segments.length - 1];
    if (last && last.state === sample.state && last.end === start) last.end = end;
    else segments.push({ state: sample.state, start, end });
  });
  return segments;
}

/** How long each state lasted in total, for the states that occurred, problems first. */
export function timeByState(segments: readonly Segment[]): Array<{ state: DeliveryState; ms: number }> {
  return [...DELIVERY_STATES]
    .reverse()
    .map((state) => ({
      state,
      ms: segments.filter((s) => s.state === state).reduce((sum, s) => sum + (s.end - s.start), 0),
    }))
    .filter((part) => segments.some((s) => s.state === part.state));
}
