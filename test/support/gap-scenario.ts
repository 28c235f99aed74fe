/** The gap scenario shared by the store and API tests: one signal LT fills late, partly, at a worse price and with a fee; one it skips */
import { createLtWorld, type LtWorld } from './lt-world.ts';

/**
 * Signal A: the trader buys YES at 0.50; LT (3 % tolerance, 0.01 tick → limit 0.51, TTL 120 s, 2 % taker fee) takes
 * 8 shares at 0.51 two seconds after the signal, 6 more a minute later as the maker, and the rest is cancelled.
 * Signal B: the trader buys at 0.40 while the book asks 0.45: 12.5 % slippage, skipped. YES then wins
 */
export async function gapScenario(): Promise<LtWorld> {
  const w = await createLtWorld({ feeRate: '0.02', settings: { slippage_tolerance_pct: '3', order_ttl_seconds: 120 } });
  w.bids([['0.49', '50']]);
  w.asks([['0.51', '8']]);
  await w.buySignal({ price: 0.5 });
  w.ft.clock.advance(2_000); // the signal is two seconds old when LT acts
  await w.execute();
  w.ft.clock.advance(60_000);
  w.takeFromMaker('SELL', '0.51', '6'); // a late fill at the limit; we are the maker, no fee
  await w.sync();
  w.ft.clock.advance(120_000); // past the TTL: the remainder is cancelled
  await w.sync();
  w.asks([['0.45', '100']]);
  await w.buySignal({ price: 0.4 });
  await w.execute();
  await w.marketResolves([1_000000n, 0n]);
  await w.sync();
  await w.resolve();
  return w;
}
