import fc from 'fast-check';
import { createRateLimiter, rateLimited } from '../../src/server/http/api-rate-limit';

/**
 * The API's own rate limiter counts exactly as @fastify/rate-limit's LocalStore, which it replaced for
 * the API: the same refusals and the same Retry-After for any sequence of requests, keys and clock
 * steps, including keys forgotten when too many are remembered.
 */

interface StoreAnswer {
  current: number;
  ttl: number;
}
type LocalStoreClass = new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache: number,
) => {
  incr(
    key: string,
    callback: (error: Error | null, answer: StoreAnswer) => void,
    windowMs: number,
    max: number,
  ): void;
};
// The plugin's own store, as the plugin drives it (its index.js: incr, then current > max refuses).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as LocalStoreClass;

const WINDOW_MS = 60_000;

describe('the API rate limiter', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('refuses and sets Retry-After exactly as @fastify/rate-limit did', () => {
    const step = fc.record({
      key: fc.constantFrom('user:a', 'user:b', 'ip:1', 'ip:2', 'user:a:fresh'),
      max: fc.constantFrom(1, 2, 3, 20),
      advanceMs: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 70_000 }),
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.constantFrom(2, 3, 5000), (steps, maxKeys) => {
        let clock = 1_000_000;
        jest.spyOn(Date, 'now').mockImplementation(() => clock);
        const store = new LocalStore(false, false, maxKeys);
        const limit = createRateLimiter({ windowMs: WINDOW_MS, maxKeys, now: () => clock });
        for (const { key, max, advanceMs } of steps) {
          clock += advanceMs;
          let answer: StoreAnswer = { current: 0, ttl: 0 };
          store.incr(key, (_error, result) => (answer = result), WINDOW_MS, max);
          const refusal = limit(key, max);
          expect(refusal).toEqual(
            answer.current > max ? { max, retryAfterSeconds: Math.ceil(answer.ttl / 1000) } : null,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('words the refusal as the plugin did, with Retry-After for the error handler', () => {
    expect(rateLimited({ max: 20, retryAfterSeconds: 60 })).toMatchObject({
      code: 'RATE_LIMITED',
      statusCode: 429,
      message: 'Too many requests; try again in 1 minute.',
      retryAfterSeconds: 60,
    });
    expect(rateLimited({ max: 20, retryAfterSeconds: 59 }).message).toBe(
      'Too many requests; try again in 59 seconds.',
    );
    expect(rateLimited({ max: 20, retryAfterSeconds: 1 }).message).toBe(
      'Too many requests; try again in 1 second.',
    );
  });
});
