import { expect } from 'chai';
import { retryDelayMs } from '../../src/actors/retry-policy.ts';

/** The wait before each retry: exponential from the first delay, capped, with "equal jitter" (half fixed, half random). */

const POLICY = { count: 6, firstDelayMs: 1000, maxDelayMs: 5000 };
// The backoff before attempts 2 to 7: doubling from 1 s, capped at 5 s.
const BACKOFF = [1000, 2000, 4000, 5000, 5000, 5000];

describe('retryDelayMs', () => {
  it('doubles from the first delay up to the cap, with no jitter at random = 0 (half the backoff)', () => {
    expect(BACKOFF.map((_, i) => retryDelayMs(POLICY, i + 1, 0))).to.deep.equal(BACKOFF.map((b) => b / 2));
  });

  it('reaches the whole backoff, never more, as random nears 1', () => {
    expect(BACKOFF.map((_, i) => retryDelayMs(POLICY, i + 1, 0.999_999))).to.deep.equal(BACKOFF);
  });

  it('is jittered: spread over [backoff / 2, backoff] as random goes over [0, 1)', () => {
    for (const [i, backoff] of BACKOFF.entries()) {
      const delays = [0.1, 0.25, 0.5, 0.75, 0.9].map((random) => retryDelayMs(POLICY, i + 1, random)!);
      for (const delay of delays) expect(delay, `attempt ${i + 1}`).to.be.within(backoff / 2, backoff);
      expect(delays, 'more random, longer wait').to.deep.equal([...delays].sort((a, b) => a - b));
      expect(new Set(delays).size, `attempt ${i + 1}: a different wait for each random value`).to.equal(5);
    }
  });

  it('gives no delay once the count of retries is used up', () => {
    expect(retryDelayMs(POLICY, 6, 0.5)).to.be.a('number');
    expect(retryDelayMs(POLICY, 7, 0.5)).to.equal(undefined);
    expect(retryDelayMs({ ...POLICY, count: 0 }, 1, 0.5)).to.equal(undefined);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(retryDelayMs({ count: 100, firstDelayMs: 2000, maxDelayMs: 300_000 }, 100, 0.999_999)).to.equal(300_000);
  });
});
