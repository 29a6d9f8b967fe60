/**
 * `rate_limit_config` enforced in process, as upstream's Redis limiter does it: a fixed window per limit, keyed by the
 * limit's `custom_key` or the connection key and the period. A request that would break any limit waits for the next
 * window and tries again; after `min(longest period + 5 s, 120 s)` it gives up.
 */
import type { RateLimit, RateLimitConfig, RatePeriod } from './types.ts';

const PERIOD_MS: Record<RatePeriod, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';
}

/** The limits a request is held to: its own rate_limit_config, else the config's; none when disabled. */
export function limitsFor(request: RateLimitConfig | undefined, config: RateLimitConfig | undefined): RateLimit[] {
  const chosen = request ?? config;
  return chosen && chosen.enabled !== false ? (chosen.limits ?? []) : [];
}

export class RateLimiter {
  readonly #counts = new Map<string, number>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(now: () => number = Date.now, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {
    this.#now = now;
    this.#sleep = sleep;
  }

  /** Waits until a request under `limits` may go; `key` is the connection key, unless a limit names its own. */
  async acquire(key: string, limits: RateLimit[]): Promise<void> {
    if (limits.length === 0) return;
    const started = this.#now();
    const timeoutMs = Math.min(Math.max(...limits.map((limit) => PERIOD_MS[limit.period])) + 5_000, 120_000);
    for (;;) {
      const now = this.#now();
      const buckets = limits.map((limit) => {
        const periodMs = PERIOD_MS[limit.period];
        const start = Math.floor(now / periodMs) * periodMs;
        return { limit, key: `${limit.custom_key ?? key}:${limit.period}:${start}`, next: start + periodMs };
      });
      const full = buckets.filter((bucket) => (this.#counts.get(bucket.key) ?? 0) >= bucket.limit.rate);
      if (full.length === 0) {
        for (const bucket of buckets) this.#counts.set(bucket.key, (this.#counts.get(bucket.key) ?? 0) + 1);
        this.#forgetBefore(now - 86_400_000);
        return;
      }
      const wait = Math.max(...full.map((bucket) => bucket.next)) - now;
      if (now + wait - started > timeoutMs) {
        throw new RateLimitError(`rate limit of '${full[0]?.limit.custom_key ?? key}' was not free within ${timeoutMs / 1000} s`);
      }
      await this.#sleep(wait);
    }
  }

  /** Drops windows that ended long ago, so that the counts do not grow without bound. */
  #forgetBefore(time: number): void {
    for (const bucket of this.#counts.keys()) {
      if (Number(bucket.slice(bucket.lastIndexOf(':') + 1)) < time) this.#counts.delete(bucket);
    }
  }
}

/** The limiter of this process. */
export const rateLimiter = new RateLimiter();
