import type { RetryPolicy } from '../actors/retry-policy.ts';
import { DsrflowError, ErrorCodes } from '../errors.ts';
import { SettingError, shownValue } from './setting-error.ts';
import { formatDurationMs, parseDurationMs, parseWholeNumber } from './units.ts';

/**
 * A connection's own retry policy, `retry: {count, delay, max_delay}` beside its saas_config, dataset and secrets (in
 * dsrflow.yaml and in `PUT /api/v1/connection/{key}`). Each key given replaces the engine's task_retry_count,
 * task_retry_delay and task_retry_max_delay for that connection's tasks; a key left out keeps the engine's.
 */

export type RetryOverride = Partial<RetryPolicy>;

const KEYS = ['count', 'delay', 'max_delay'];
const DURATIONS = [['delay', 'firstDelayMs'], ['max_delay', 'maxDelayMs']] as const;

/** A retry count: a whole number from 0 to 100, as a number or (from an environment variable) as text. */
export const parseRetryCount = (value: unknown): number | undefined => parseWholeNumber(value, 0, 100);

export function retryCountProblem(value: unknown): string {
  return `${shownValue(value)} is not a whole number from 0 to 100`;
}

export function durationProblem(value: unknown): string {
  return `${shownValue(value)} is not a duration such as 7d, 12h, 30m, 45s or 250ms`;
}

/** Reads a connection's `retry` block; throws a SettingError naming the first key that is wrong. */
export function parseRetryOverride(value: unknown, path = 'retry'): RetryOverride {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingError(path, `must be an object with any of ${KEYS.join(', ')}`);
  }
  const block = value as Record<string, unknown>;
  const unknown = Object.keys(block).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) throw new SettingError(`${path}.${unknown}`, `is not a retry setting; they are ${KEYS.join(', ')}`);
  const override: RetryOverride = {};
  if (block.count !== undefined) {
    // Text is for environment variables only: in a connection, a count is a number.
    const count = typeof block.count === 'number' ? parseRetryCount(block.count) : undefined;
    if (count === undefined) throw new SettingError(`${path}.count`, retryCountProblem(block.count));
    override.count = count;
  }
  for (const [key, field] of DURATIONS) {
    if (block[key] === undefined) continue;
    const ms = typeof block[key] === 'string' || typeof block[key] === 'number' ? parseDurationMs(block[key]) : undefined;
    if (ms === undefined) throw new SettingError(`${path}.${key}`, durationProblem(block[key]));
    override[field] = ms;
  }
  return override;
}

/** The `retry` of an API body: as parseRetryOverride reads it, a wrong value refused as BODY_INVALID naming the key. */
export function retryOverrideOfBody(value: unknown): RetryOverride {
  try {
    return parseRetryOverride(value);
  } catch (err) {
    if (err instanceof SettingError) throw new DsrflowError(ErrorCodes.BODY_INVALID, err.message);
    throw err;
  }
}

/** A retry override as a connection's `retry` block is written, so that what the API shows can be sent back. */
export function retryBlockOf(override: RetryOverride): Record<string, number | string> {
  return {
    ...(override.count !== undefined ? { count: override.count } : {}),
    ...Object.fromEntries(DURATIONS.filter(([, field]) => override[field] !== undefined).map(([key, field]) => [key, formatDurationMs(override[field]!)])),
  };
}
