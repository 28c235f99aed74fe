/** Per-endpoint token buckets sized from Polymarket's published limits (spec section 9), so we throttle ourselves first */

/** `capacity` requests per `windowMs`, refilled continuously; the full capacity is available as a burst */
export interface BucketSpec {
  capacity: number;
  windowMs: number;
}

export type BudgetName =
  | 'clob' | 'book' | 'market' | 'orders' | 'trades' | 'balance' | 'auth' | 'postOrder' | 'cancel';

/** Published per-10 s (and per-10 min) limits; `clob` is the general CLOB limit every request also counts against */
export const DEFAULT_BUDGETS: Record<BudgetName, BucketSpec[]> = {
  clob: [{ capacity: 9_000, windowMs: 10_000 }],
  book: [{ capacity: 1_500, windowMs: 10_000 }],
  market: [{ capacity: 200, windowMs: 10_000 }],
  orders: [{ capacity: 500, windowMs: 10_000 }],
  trades: [{ capacity: 500, windowMs: 10_000 }],
  balance: [{ capacity: 200, windowMs: 10_000 }],
  auth: [{ capacity: 100, windowMs: 10_000 }],
  postOrder: [{ capacity: 3_500, windowMs: 10_000 }, { capacity: 36_000, windowMs: 600_000 }],
  cancel: [{ capacity: 3_000, windowMs: 10_000 }, { capacity: 30_000, windowMs: 600_000 }],
};

export interface BucketTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: BucketTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One continuously refilled bucket */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly spec: BucketSpec, private readonly time: BucketTime = realTime) {
    if (!(spec.capacity > 0 && spec.windowMs > 0)) throw new Error('a bucket needs a positive capacity and window');
    this.tokens = spec.capacity;
    this.last = time.now();
  }

  /** Takes a token now if one is there; otherwise says how long until one is */
  tryTake(): { ok: true } | { ok: false; waitMs: number } {
    const now = this.time.now();
    const rate = this.spec.capacity / this.spec.windowMs;
    this.tokens = Math.min(this.spec.capacity, this.tokens + (now - this.last) * rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil((1 - this.tokens) / rate) };
  }
}

/** All budgets of one adapter; `take` waits until every bucket of the endpoint (and the general one) has a token */
export class RateBudgets {
  private readonly buckets = new Map<BudgetName, TokenBucket[]>();

  constructor(overrides: Partial<Record<BudgetName, BucketSpec[]>> = {}, private readonly time: BucketTime = realTime) {
    for (const name of Object.keys(DEFAULT_BUDGETS) as BudgetName[]) {
      const specs = overrides[name] ?? DEFAULT_BUDGETS[name];
      this.buckets.set(name, specs.map((s) => new TokenBucket(s, time)));
    }
  }

  /** Waits for a token of `name` and of the general CLOB budget; resolves with the time waited (ms) */
  async take(name: BudgetName): Promise<number> {
    const names: BudgetName[] = name === 'clob' ? ['clob'] : [name, 'clob'];
    let waited = 0;
    for (const n of names) {
      for (const bucket of this.buckets.get(n) ?? []) {
        for (;;) {
          const r = bucket.tryTake();
          if (r.ok) break;
          waited += r.waitMs;
          await this.time.sleep(r.waitMs);
        }
      }
    }
    return waited;
  }
}
