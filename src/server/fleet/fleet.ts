import { createHash } from 'node:crypto';

/**
 * What the instances of one deployment coordinate through (docs/deploy.md#running-several-instances): one
 * probe per domain however many instances ask (single flight), the policy's change notices, and periodic
 * jobs that must run once across the fleet. With SQLite there is one instance, and `createLocalFleet`
 * keeps all of it in this process; with PostgreSQL, `createPostgresFleet` (postgres.ts) uses advisory
 * locks and LISTEN/NOTIFY.
 */

export interface SingleFlightOptions<T> {
  /**
   * What another instance's run left in the shared store, read there: a result that makes running
   * unnecessary, else null. Called before this instance runs (the other may just have finished) and
   * whenever the other says it is done.
   */
  ready(): Promise<T | null>;
  /** How long to wait for another instance's run before running anyway (it may be stuck); default 60 s. */
  deadlineMs?: number;
}

export interface Fleet {
  readonly kind: 'local' | 'postgres';
  /**
   * Runs `run` for `key` on one instance at a time: calls in this process join the one running, and
   * another instance's run is waited for and its result read with `ready`.
   */
  singleFlight<T>(key: string, run: () => Promise<T>, options: SingleFlightOptions<T>): Promise<T>;
  /** Calls `listener` with the new version when any instance saves the policy, or null when notices may
   * have been missed (the notice connection was lost): drop what is cached either way. Returns an unsubscribe. */
  onPolicyChange(listener: (version: number | null) => void): () => void;
  /** Tells every instance (this one too) that the policy is now at `version`. */
  policyChanged(version: number): Promise<void>;
  /**
   * A time (ms since epoch) such that every notice sent before it has been heard here; Infinity when there
   * is nothing to hear (one instance). Policy caches trust themselves beyond 1 s only while this is recent.
   */
  syncedAt(): number;
  /**
   * Runs a periodic job if no instance (this one included) is running it now, else skips it. Resolves to
   * whether it ran; a job that throws rejects.
   */
  exclusive(job: string, fn: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}

/** Where the fleet reports trouble (the app's logger). */
export interface FleetLog {
  warn(fields: object, message: string): void;
}

/** A PostgreSQL advisory lock key (bigint, as text) for a name: the first 64 bits of its SHA-256. */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`tlsgate:${name}`).digest().readBigInt64BE(0).toString();
}

/**
 * Calls for one key at a time in this process: a caller arriving while another runs `key` waits for it
 * to settle, then goes on (and usually finds its result ready). Used by both fleets.
 */
export function createKeyedTurns(): <T>(key: string, turn: () => Promise<T>) => Promise<T> {
  const running = new Map<string, Promise<unknown>>();
  return async <T>(key: string, turn: () => Promise<T>): Promise<T> => {
    for (let prior = running.get(key); prior; prior = running.get(key))
      await prior.then(
        () => undefined,
        () => undefined,
      );
    const task = turn();
    running.set(key, task);
    try {
      return await task;
    } finally {
      running.delete(key);
    }
  };
}

/** One instance (SQLite): everything happens in this process, exactly as before there was a fleet. */
export function createLocalFleet(): Fleet {
  const flights = new Map<string, Promise<unknown>>();
  const jobs = new Set<string>();
  const listeners = new Set<(version: number | null) => void>();
  return {
    kind: 'local',
    singleFlight<T>(key: string, run: () => Promise<T>): Promise<T> {
      const existing = flights.get(key) as Promise<T> | undefined;
      if (existing) return existing;
      const task = run().finally(() => flights.delete(key));
      flights.set(key, task);
      return task;
    },
    onPolicyChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    policyChanged(version) {
      for (const listener of listeners) listener(version);
      return Promise.resolve();
    },
    syncedAt: () => Number.POSITIVE_INFINITY,
    async exclusive(job, fn) {
      if (jobs.has(job)) return false;
      jobs.add(job);
      try {
        await fn();
        return true;
      } finally {
        jobs.delete(job);
      }
    },
    close: () => Promise.resolve(),
  };
}
