/**
 * `signal_to_submit_p99_ratio`: Tandem's p99 from a pending FT signal to the order answered by the loopback simulator,
 * over the official client's p99 for signing and posting the same order to the same simulator, sampled alternately
 * in one process so both share the machine's noise.
 *
 * Tandem's path is the real executor: `executeLt` for the strategy (list the launched strategies while the first page
 * of pending signals is read, with its FT facts and where the next signal window starts; the book — from the market
 * channel's books as the service reads it, GET /book when the channel cannot vouch for it (the first signal) or with
 * BENCH_BOOK_CACHE=off —, the intent
 * transaction with its reservation, sign, persist the prepared order, POST /order),
 * timed from the call to the `after_submit` hook (venue.submit returned; recording the answer is not counted, as the
 * floor's timing ends when postOrder returns). Not included: FT's evaluation of the trade and the NOTIFY wake-up.
 * Measured on in-memory PGlite and, with BENCH_DATABASE_URL, on PostgreSQL
 */
import { OrderType, Side } from '@polymarket/clob-client-v2';
import { executeLt } from '../engine/lt-executor.ts';
import { pairedRatioInterval, quantiles, type BenchOptions, type BenchSpec, type Measured } from './report.ts';
import { startSignalRig, type SignalRig } from './signal-rig.ts';

export const SIGNAL_SPEC: BenchSpec = { name: 'signal_to_submit_p99_ratio', unit: '× floor', target: 1.5, comparator: '<=' };

/**
 * Interleaved pairs: untimed warm-up, then timed; `--quick` takes fewer (its p99 is then close to the maximum). A p99 of
 * 200 samples (the count until 2026-12-05) is their second-largest value, and the ratio moved by ±0.2 between runs
 */
const PAIRS = { full: { warmUp: 20, samples: 1000 }, quick: { warmUp: 5, samples: 30 } } as const;
type Pairs = (typeof PAIRS)[keyof typeof PAIRS];
const SIGNAL_PRICE = 0.4;

interface OrderShape {
  price: number;
  size: number;
}

/** One Tandem sample: a fresh signal (not timed), then the executor until the venue answered the order */
async function tandemSample(rig: SignalRig): Promise<{ ms: number; intentMs: number; orderId: string }> {
  await rig.signal(SIGNAL_PRICE);
  let submittedAt = Number.NaN;
  let intentAt = Number.NaN;
  const hooks = { at: (point: string) => {
    if (point === 'after_intent') intentAt = performance.now();
    if (point === 'after_submit') submittedAt = performance.now();
  } };
  const t0 = performance.now();
  const report = await executeLt({ ...rig.lt, hooks }, { strategyId: rig.strategyId });
  const submission = report.submissions[0];
  if (report.ordered !== 1 || submission?.outcome !== 'accepted' || Number.isNaN(submittedAt)) {
    throw new Error(`Tandem sample not submitted: ${JSON.stringify({ ordered: report.ordered, skips: report.skips, errors: report.errors, submission })}`);
  }
  return { ms: submittedAt - t0, intentMs: intentAt - t0, orderId: submission.orderId };
}

/** One floor sample: the official client signs and posts the same order */
async function floorSample(rig: SignalRig, shape: OrderShape): Promise<number> {
  const t0 = performance.now();
  const order = await rig.client.client.createOrder({ tokenID: rig.tokenId, price: shape.price, size: shape.size, side: Side.BUY });
  const posted = (await rig.client.client.postOrder(order, OrderType.GTC)) as { success?: boolean; errorMsg?: string };
  const ms = performance.now() - t0;
  if (posted?.success !== true) throw new Error(`floor order refused: ${JSON.stringify(posted)}`);
  return ms;
}

async function shapeOf(rig: SignalRig, orderId: string): Promise<OrderShape> {
  const [row] = await rig.db.query<{ price: string; size: string }>(
    'SELECT limit_price::text AS price, size::text AS size FROM orders WHERE order_id = $1', [orderId]);
  if (!row) throw new Error(`order ${orderId} not stored`);
  return { price: Number(row.price), size: Number(row.size) };
}

/** Alternates which side goes first, so neither always runs right after the other's garbage */
async function samplePairs(rig: SignalRig, shape: OrderShape, count: number): Promise<{ tandem: number[]; intent: number[]; floor: number[] }> {
  const tandem: number[] = [];
  const intent: number[] = [];
  const floor: number[] = [];
  const ours = async () => {
    const s = await tandemSample(rig);
    tandem.push(s.ms);
    intent.push(s.intentMs);
  };
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      await ours();
      floor.push(await floorSample(rig, shape));
    } else {
      floor.push(await floorSample(rig, shape));
      await ours();
    }
  }
  return { tandem, intent, floor };
}

/** BENCH_BOOK_CACHE=off measures the executor reading GET /book per signal (the path before the market channel's books) */
const bookCache = (): boolean => process.env.BENCH_BOOK_CACHE !== 'off';

async function measureOn(databaseUrl: string | undefined, progress: (text: string) => void, pairs: Pairs): Promise<Measured> {
  const backend = databaseUrl ? 'PostgreSQL' : 'PGlite';
  const rig = await startSignalRig(databaseUrl, bookCache());
  try {
    const first = await tandemSample(rig);
    const shape = await shapeOf(rig, first.orderId);
    await samplePairs(rig, shape, pairs.warmUp);
    progress(`signal_to_submit (${backend}): warmed up; ${pairs.samples} interleaved pairs of a ${shape.size}-share GTC BUY at ${shape.price}`);
    const { tandem, intent, floor } = await samplePairs(rig, shape, pairs.samples);
    const t = quantiles(tandem);
    const f = quantiles(floor);
    const interval = pairedRatioInterval(tandem, floor, 99);
    progress(`signal_to_submit (${backend}): p99 ${t.p99} ms against the floor's ${f.p99} ms; the ratio's 95 % interval `
      + (interval ? `${interval.low}–${interval.high}` : 'not given (too few pairs)'));
    return {
      value: Math.round((t.p99 / f.p99) * 1000) / 1000, samples: pairs.samples,
      detail: {
        backend, tandem_ms: t, floor_ms: f, tandem_to_intent_committed_ms: quantiles(intent), order: { side: 'BUY', type: 'GTC', ...shape },
        // How far the ratio could move by chance on this run's pairs (report.ts, pairedRatioInterval), and at the median
        p99_ratio_interval_95: interval, p50_ratio: Math.round((t.p50 / f.p50) * 1000) / 1000,
        warm_up_pairs: pairs.warmUp, timed_pairs: pairs.samples,
        // Books the executor read from memory (served) and by GET /book (fallbacks: the first, unwatched, and any other)
        book_cache: rig.bookCache?.bookCacheStats() ?? null,
      },
    };
  } finally {
    await rig.close();
  }
}

/**
 * On in-memory PGlite, and on PostgreSQL when `databaseUrl` names a server (a scratch database beside it): the value
 * is the larger ratio, as the target holds for both
 */
export async function measureSignalToSubmit(progress: (text: string) => void, databaseUrl?: string,
  options: BenchOptions = {}): Promise<Measured> {
  const pairs = options.quick ? PAIRS.quick : PAIRS.full;
  const pglite = await measureOn(undefined, progress, pairs);
  const postgres = databaseUrl ? await measureOn(databaseUrl, progress, pairs) : null;
  const worst = postgres && postgres.value > pglite.value ? postgres : pglite;
  return {
    value: worst.value, samples: pairs.samples,
    detail: {
      value_is: postgres ? 'the larger of the PGlite and PostgreSQL ratios' : 'PGlite (PostgreSQL skipped: no BENCH_DATABASE_URL)',
      pglite_ratio: pglite.value, postgres_ratio: postgres?.value ?? null,
      pglite_interval_95: pglite.detail.p99_ratio_interval_95 ?? null, postgres_interval_95: postgres?.detail.p99_ratio_interval_95 ?? null,
      pglite: pglite.detail, postgres: postgres?.detail ?? null,
      tandem_path: `executeLt(strategy) → after_submit hook: the launched strategies read beside the signal page (with its FT `
        + `facts), FT config, ${bookCache() ? 'book from the market channel (GET /book when it cannot vouch for it)' : 'GET /book (BENCH_BOOK_CACHE=off)'}, `
        + 'intent tx (lock; strategy, kill switch, disposition and ledger in one statement; intent, disposition and reservation '
        + 'in one statement) with signing started beside the write, '
        + 'mark prepared (one statement), POST /order (undici request, keep-alive)',
      floor_path: 'clob-client-v2 createOrder + postOrder (its axios; tick size, neg risk and fee rate cached after warm-up)',
      simulator: 'in-process, 127.0.0.1:0, resting orders on an empty ask side',
    },
  };
}
