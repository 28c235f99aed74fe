// @backend-independent
/**
 * The replay's book model (src/replay/book-model.ts) against the recorded Polymarket books in ../shared/data: the fit
 * is printed, the model's constants must be that fit, and the model's books must have that spread and depth
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/domain/prng.ts';
import { calibrateBookModel, spreadOf } from '../../src/replay/book-calibration.ts';
import { DEPTH_USD, LEVELS, modelOrders, SPREAD_TICKS, type PriceBand, type TickClass } from '../../src/replay/book-model.ts';
import { sharedPath } from '../support/shared.ts';

const CLASSES: [TickClass, PriceBand][] = [['0.01', 'body'], ['0.01', 'tail'], ['0.001', 'body'], ['0.001', 'tail']];

describe('the book model is calibrated against the recorded books', () => {
  it('its spread deciles and level depths are what the recorded books give', () => {
    const fit = calibrateBookModel(sharedPath('data/polymarket'));
    console.log(`book model fit: ${JSON.stringify(fit)}`);
    for (const [tick, band] of CLASSES) {
      expect(fit.spreadTicks[tick][band].n, `${tick} ${band}`).toBeGreaterThan(10_000);
      expect(SPREAD_TICKS[tick][band], `${tick} ${band}`).toEqual(fit.spreadTicks[tick][band].deciles);
    }
    expect(fit.depthUsd).toHaveLength(LEVELS);
    expect(fit.depthUsd.every((d) => d.n >= 8)).toBe(true);
    expect(DEPTH_USD).toEqual(fit.depthUsd.map(({ p25, p75 }) => ({ p25, p75 })));
  }, 180_000);

  it('reads a quote\'s tick from its decimals (or its recorded tick_size) and leaves out one-sided or crossed quotes', () => {
    expect(spreadOf(0.45, 0.47)).toEqual({ tick: '0.01', band: 'body', ticks: 2 });
    expect(spreadOf(0.031, 0.034)).toEqual({ tick: '0.001', band: 'tail', ticks: 3 });
    expect(spreadOf(0.95, 0.96, 0.001)).toEqual({ tick: '0.001', band: 'tail', ticks: 10 });
    expect(spreadOf(null, 0.5)).toBeNull();
    expect(spreadOf(0.5, 0.5)).toBeNull();
    expect(spreadOf(0.6, 0.5)).toBeNull();
  });

  it('the model quotes the touch at the trade price on the trade\'s side, with the calibrated spread and depth', () => {
    const prng = new Prng(11, 1);
    for (const [tick, band] of CLASSES) {
      const t = tick === '0.01' ? 10_000n : 1000n;
      const p = band === 'body' ? 600_000n : 950_000n; // the widest spread drawn keeps the bid in range
      const counts = new Map<number, number>();
      const n = 4000;
      for (let i = 0; i < n; i++) {
        const side = i % 2 === 0 ? 'BUY' : 'SELL';
        const book = modelOrders(p, side, t, 5_000000n, prng);
        const bids = book.filter((l) => l.side === 'BUY');
        const asks = book.filter((l) => l.side === 'SELL');
        if (side === 'BUY') expect(asks[0]!.price).toBe(p);
        else expect(bids[0]!.price).toBe(p);
        // After a SELL the far side may fall off the price range; after a BUY at p the bid is p − spread, in range here
        if (side === 'SELL') continue;
        const k = Number((asks[0]!.price - bids[0]!.price) / t);
        counts.set(k, (counts.get(k) ?? 0) + 1);
        const notional = Number(asks[0]!.price * asks[0]!.size) / 1e12;
        expect(notional).toBeGreaterThanOrEqual(Math.min(DEPTH_USD[0]!.p25, Number(asks[0]!.price * 5n) / 1e6) - 0.01);
        expect(notional).toBeLessThanOrEqual(Math.max(DEPTH_USD[0]!.p75, Number(asks[0]!.price * 5n) / 1e6));
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      // Each decile value is drawn a tenth of the time (values repeated in the table add up)
      for (const value of new Set(SPREAD_TICKS[tick][band])) {
        const expected = SPREAD_TICKS[tick][band].filter((v) => v === value).length / 10;
        expect(Math.abs((counts.get(value) ?? 0) / total - expected), `${tick} ${band} spread ${value}`).toBeLessThan(0.04);
      }
    }
  });
});
