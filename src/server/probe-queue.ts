/**
 * Caps on probing. Every probe opens SMTP and HTTPS connections to addresses that whoever controls a
 * domain's DNS chooses, so probes are a resource to ration: one bounded queue per instance (a
 * concurrency cap and a waiting-room cap) and, per caller, a budget of probes per minute.
 */

export interface ProbeQueueStats {
  /** Probes running now. */
  running: number;
  /** Probes waiting for a slot. */
  queued: number;
  /** Probes that may run at once. */
  capacity: number;
  /** Probes that may wait; beyond that requests are refused with 503 BUSY. */
  queueLimit: number;
}

export interface ProbeQueue {
  /** Runs `task` now, or once a slot frees. Admission is the caller's to check first (`hasRoom`). */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Whether `count` more probes fit (running plus waiting). */
  hasRoom(count: number): boolean;
  /** Whether a background refresh may join: only while the waiting room is at most half full. */
  hasRoomForBackground(): boolean;
  stats(): ProbeQueueStats;
}

export function createProbeQueue(capacity: number, queueLimit: number): ProbeQueue {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError('capacity must be a positive integer');
  if (!Number.isInteger(queueLimit) || queueLimit < 0)
    throw new RangeError('queueLimit must be a whole number');
  let running = 0;
  const waiting: Array<() => void> = [];
  const fits = (count: number, limit: number): boolean =>
    Math.max(0, running + waiting.length + count - capacity) <= limit;

  return {
    async run(task) {
      // A finishing probe hands its slot straight to the next in line, so a newcomer cannot slip in
      // between and push the count past the cap.
      if (running >= capacity) await new Promise<void>((resolve) => waiting.push(resolve));
      else running++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    hasRoom: (count) => fits(count, queueLimit),
    // Refreshes of stale answers are optional work: they must never crowd out what a caller waits for.
    hasRoomForBackground: () => fits(1, Math.floor(queueLimit / 2)),
    stats: () => ({ running, queued: waiting.length, capacity, queueLimit }),
  };
}

export interface ProbeBudget {
  /**
   * Charges `count` probes to `caller`: 0 when allowed, else the seconds until it would be. A caller
   * may go into debt by one request's worth, so a batch larger than the budget is not refused forever.
   */
  take(caller: string, count: number): number;
}

/** Callers whose buckets are kept before full (idle) ones are forgotten. */
const SWEEP_AT = 10_000;

/** A token bucket per caller: `perMinute` probes, refilled continuously. */
export function createProbeBudget(perMinute: number, now: () => number = Date.now): ProbeBudget {
  if (!(perMinute > 0)) throw new RangeError('perMinute must be positive');
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweepAt = SWEEP_AT;

  const refill = (bucket: { tokens: number; at: number }, at: number): void => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * perMs);
    bucket.at = at;
  };
  const sweep = (at: number): void => {
    for (const [caller, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= perMinute) buckets.delete(caller);
    }
    sweepAt = Math.max(SWEEP_AT, buckets.size * 2);
  };

  return {
    take(caller, count) {
      if (count <= 0) return 0;
      const at = now();
      let bucket = buckets.get(caller);
      if (!bucket) {
        if (buckets.size >= sweepAt) sweep(at);
        bucket = { tokens: perMinute, at };
        buckets.set(caller, bucket);
      }
      refill(bucket, at);
      const needed = Math.min(count, perMinute);
      if (bucket.tokens < needed) return Math.max(1, Math.ceil((needed - bucket.tokens) / perMs / 1000));
      bucket.tokens -= count;
      return 0;
    },
  };
}
