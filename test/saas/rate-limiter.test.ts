import { expect } from 'chai';
import { limitsFor, RateLimiter } from '../../src/saas/rate-limiter.ts';

/** rate_limit_config in process: fixed windows, waiting (on a fake clock) for the next one. */

function limiter(start = 10_000) {
  let now = start;
  const waits: number[] = [];
  const rl = new RateLimiter(
    () => now,
    async (ms) => {
      waits.push(ms);
      now += ms;
    },
  );
  return { rl, waits, advance: (ms: number) => void (now += ms), now: () => now };
}

describe('rate limiter', () => {
  it('lets `rate` requests through per window, then waits for the next window', async () => {
    const { rl, waits } = limiter(10_200);
    for (let i = 0; i < 3; i++) await rl.acquire('crm', [{ rate: 2, period: 'second' }]);
    expect(waits).to.deep.equal([800]);
  });

  it('holds every limit at once', async () => {
    const { rl, waits } = limiter(60_000);
    const limits = [{ rate: 10, period: 'second' as const }, { rate: 3, period: 'minute' as const }];
    for (let i = 0; i < 4; i++) await rl.acquire('crm', limits);
    expect(waits).to.deep.equal([60_000]);
  });

  it('counts per connection, unless a custom_key shares a limit', async () => {
    const { rl, waits } = limiter(0);
    await rl.acquire('a', [{ rate: 1, period: 'second' }]);
    await rl.acquire('b', [{ rate: 1, period: 'second' }]);
    expect(waits).to.deep.equal([]);
    await rl.acquire('a', [{ rate: 1, period: 'second', custom_key: 'shared' }]);
    await rl.acquire('b', [{ rate: 1, period: 'second', custom_key: 'shared' }]);
    expect(waits).to.deep.equal([1000]);
  });

  it('gives up after the longest period plus 5 seconds (at most 2 minutes)', async () => {
    const { rl } = limiter(0);
    await rl.acquire('crm', [{ rate: 1, period: 'day' }]);
    try {
      await rl.acquire('crm', [{ rate: 1, period: 'day' }]);
      expect.fail('expected a failure');
    } catch (err) {
      expect((err as Error).message).to.equal("rate limit of 'crm' was not free within 120 s");
    }
  });

  it("uses the request's rate_limit_config over the config's, and none when disabled", () => {
    const config = { limits: [{ rate: 5, period: 'second' as const }] };
    const request = { limits: [{ rate: 1, period: 'minute' as const }] };
    expect(limitsFor(undefined, config)).to.deep.equal(config.limits);
    expect(limitsFor(request, config)).to.deep.equal(request.limits);
    expect(limitsFor({ enabled: false, limits: [] }, config)).to.deep.equal([]);
  });
});
