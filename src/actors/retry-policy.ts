import { SaasHttpError } from '../saas/http-client.ts';

/**
 * When a failed attempt of a task runs again: exponential backoff with jitter, up to a count. Only failures that
 * another attempt may cure are retried: the third party unreachable or timing out, 408, 429 and 5xx answers.
 */

export interface RetryPolicy {
  /** Attempts after the first. */
  count: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { count: 2, firstDelayMs: 2_000, maxDelayMs: 5 * 60_000 };

export function isRetryable(err: unknown): boolean {
  if (!(err instanceof SaasHttpError)) return false;
  const status = err.status;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * The wait before attempt `attempt + 1` ("equal jitter": half the backoff, plus a random part of the other half), or
 * undefined when no attempt is left. `random` is in [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number): number | undefined {
  if (attempt > policy.count) return undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
  return Math.round(backoff / 2 + (backoff / 2) * random);
}
