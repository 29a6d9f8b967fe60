import type { SaasRequest } from './types.ts';

/**
 * How long a task waits for the callback of its async requests: the engine's configured times, unless a request says
 * otherwise under `async_config: {strategy: callback, configuration: {timeout_seconds, heartbeat_timeout_seconds}}`.
 * A task whose requests say different things shares one reply token and one deadline, so it waits as long as the
 * most patient of them.
 */

export interface CallbackTimeouts {
  /** How long a task waits for its callback. */
  timeoutMs: number;
  /** How long it waits between heartbeats; undefined when heartbeats are not required. */
  heartbeatTimeoutMs?: number;
}

interface CallbackConfiguration {
  timeout_seconds?: number;
  heartbeat_timeout_seconds?: number;
}

export function callbackTimeoutsOf(requests: (SaasRequest | undefined)[], defaults: CallbackTimeouts): CallbackTimeouts {
  const own = requests.flatMap((request) => {
    const asyncConfig = request?.async_config;
    if (asyncConfig?.strategy !== 'callback') return [];
    const configuration = (asyncConfig.configuration ?? {}) as CallbackConfiguration;
    const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000);
    return [{ timeoutMs: ms(configuration.timeout_seconds) ?? defaults.timeoutMs, heartbeatTimeoutMs: ms(configuration.heartbeat_timeout_seconds) ?? defaults.heartbeatTimeoutMs }];
  });
  if (own.length === 0) return defaults;
  // No heartbeat timeout is the most patient of all.
  const heartbeats = own.map((t) => t.heartbeatTimeoutMs);
  return {
    timeoutMs: Math.max(...own.map((t) => t.timeoutMs)),
    heartbeatTimeoutMs: heartbeats.includes(undefined) ? undefined : Math.max(...(heartbeats as number[])),
  };
}
