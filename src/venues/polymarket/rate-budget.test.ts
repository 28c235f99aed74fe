// @backend-independent
/** Token buckets on a fake clock: bursts up to capacity, then the refill rate, and every request also pays the general budget */
import { describe, expect, it } from 'vitest';
import { RateBudgets, TokenBucket, type BucketTime } from './rate-budget.ts';

function fakeTime(): BucketTime & { t: number; slept: number[] } {
  const time = {
    t: 0,
    slept: [] as number[],
    now: () => time.t,
    sleep: async (ms: number) => {
      time.slept.push(ms);
      time.t += ms;
    },
  };
  return time;
}

describe('rate budgets', () => {
  it('allows a burst of `capacity`, then one token per window/capacity', () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ capacity: 3, windowMs: 3_000 }, time);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()].every((r) => r.ok)).toBe(true);
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 1_000 });
    time.t += 1_000;
    expect(bucket.tryTake().ok).toBe(true);
  });

  it('waits for both the endpoint bucket and the general CLOB bucket', async () => {
    const time = fakeTime();
    const budgets = new RateBudgets({ postOrder: [{ capacity: 2, windowMs: 10_000 }], clob: [{ capacity: 100, windowMs: 10_000 }] }, time);
    expect(await budgets.take('postOrder')).toBe(0);
    expect(await budgets.take('postOrder')).toBe(0);
    expect(await budgets.take('postOrder')).toBe(5_000);
    const general = new RateBudgets({ clob: [{ capacity: 1, windowMs: 1_000 }] }, time);
    await general.take('book');
    expect(await general.take('trades')).toBe(1_000);
  });

  it('uses the published limits by default (POST /order: 3 500 per 10 s and 36 000 per 10 min)', async () => {
    const time = fakeTime();
    const budgets = new RateBudgets({}, time);
    for (let i = 0; i < 3_500; i += 1) await budgets.take('postOrder');
    expect(time.slept).toEqual([]);
    expect(await budgets.take('postOrder')).toBeGreaterThan(0);
  });
});
