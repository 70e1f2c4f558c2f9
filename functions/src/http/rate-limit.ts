/**
 * A per-instance soft rate limit. It is one token bucket for the whole instance, keyed by
 * nothing about the caller: homecall never looks at who is calling.
 */

/** Decides whether the instance takes another request now. */
export interface RateLimiter {
  /** Seconds to wait before retrying, or 0 when the request may proceed. */
  take(now: number): number;
}

/** A token bucket refilled at `perSecond`, holding at most `burst` tokens. */
export function createRateLimiter(options: { perSecond: number; burst: number }): RateLimiter {
  let tokens = options.burst;
  let last = 0;
  return {
    take(now: number): number {
      if (last !== 0)
        tokens = Math.min(options.burst, tokens + ((now - last) / 1000) * options.perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - tokens) / options.perSecond));
    },
  };
}
