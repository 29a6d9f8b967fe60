import { expect } from 'chai';
import { callbackTimeoutsOf } from '../../src/saas/callback-timeouts.ts';
import type { SaasRequest } from '../../src/saas/types.ts';

const DEFAULTS = { timeoutMs: 7 * 86_400_000, heartbeatTimeoutMs: 600_000 };
const callback = (configuration?: Record<string, number> | null): SaasRequest =>
  ({ method: 'GET', path: '/x', async_config: { strategy: 'callback', ...(configuration === undefined ? {} : { configuration }) } }) as SaasRequest;

describe('callbackTimeoutsOf', () => {
  it("uses the engine's times for requests that set none, or are not callback requests", () => {
    expect(callbackTimeoutsOf([callback()], DEFAULTS)).to.deep.equal(DEFAULTS);
    expect(callbackTimeoutsOf([callback(null)], DEFAULTS)).to.deep.equal(DEFAULTS);
    expect(callbackTimeoutsOf([{ method: 'GET', path: '/x' }, undefined], DEFAULTS)).to.deep.equal(DEFAULTS);
  });

  it('uses what a request sets, each key on its own', () => {
    expect(callbackTimeoutsOf([callback({ timeout_seconds: 30 })], DEFAULTS)).to.deep.equal({ timeoutMs: 30_000, heartbeatTimeoutMs: 600_000 });
    expect(callbackTimeoutsOf([callback({ heartbeat_timeout_seconds: 5 })], { timeoutMs: 1000 })).to.deep.equal({ timeoutMs: 1000, heartbeatTimeoutMs: 5000 });
  });

  it('waits as long as the most patient of several requests; one without a heartbeat timeout needs no heartbeat', () => {
    const reads = [callback({ timeout_seconds: 30, heartbeat_timeout_seconds: 10 }), callback({ timeout_seconds: 90, heartbeat_timeout_seconds: 5 })];
    expect(callbackTimeoutsOf(reads, { timeoutMs: 1000 })).to.deep.equal({ timeoutMs: 90_000, heartbeatTimeoutMs: 10_000 });
    expect(callbackTimeoutsOf([...reads, callback({ timeout_seconds: 1 })], { timeoutMs: 1000 })).to.deep.equal({ timeoutMs: 90_000, heartbeatTimeoutMs: undefined });
    expect(callbackTimeoutsOf([callback({ timeout_seconds: 30 }), callback()], { timeoutMs: 60_000 }).timeoutMs, 'the default counts for the one that sets none').to.equal(60_000);
  });
});
