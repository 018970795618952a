import { ApiError } from '../errors';

/**
 * The API's request limit per caller: a fixed window per key that starts with the key's first request,
 * the most recently used keys kept (the least recently used forgotten past `maxKeys`), exactly as
 * @fastify/rate-limit's LocalStore counts. It is synchronous and runs in the API's one preHandler hook:
 * the plugin's chain of promises cost a cached lookup a tenth of its time. The plugin still serves the
 * portal pages' own per-route limits.
 */

export interface RateLimitOptions {
  windowMs: number;
  /** How many keys are remembered; default 5000, as the plugin's. */
  maxKeys?: number;
  now?: () => number;
}

export interface Refusal {
  max: number;
  retryAfterSeconds: number;
}

/** Counts a request against `key`: null while within `max` for the window, else how long to wait. */
export type RateLimiter = (key: string, max: number) => Refusal | null;

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { windowMs } = options;
  const maxKeys = options.maxKeys ?? 5000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { count: number; startedAt: number }>();
  return (key, max) => {
    const at = now();
    let window = windows.get(key);
    if (window === undefined || window.startedAt + windowMs <= at) window = { count: 1, startedAt: at };
    else window.count++;
    // Most recently used last: delete and set again.
    windows.delete(key);
    windows.set(key, window);
    if (windows.size > maxKeys) {
      const oldest = windows.keys().next();
      if (!oldest.done) windows.delete(oldest.value);
    }
    if (window.count <= max) return null;
    return { max, retryAfterSeconds: Math.ceil((window.startedAt + windowMs - at) / 1000) };
  };
}

/** The 429 the plugin sends, with its message ("try again in 1 minute") and Retry-After. */
export function rateLimited(refusal: Refusal): ApiError {
  const seconds = refusal.retryAfterSeconds;
  const minutes = Math.round(seconds / 60);
  const after =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? '' : 's'}`
      : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return new ApiError('RATE_LIMITED', `Too many requests; try again in ${after}.`, {
    retryAfterSeconds: seconds,
  });
}
