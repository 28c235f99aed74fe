-- Dynamic slippage tolerance (src/domain/tolerance.ts). Each LT strategy picks a mode: 'fixed_pct' (the
-- percentage slippage_tolerance_pct, as before: every existing strategy keeps it), 'ticks' (tolerance_ticks whole
-- ticks from the signal price) or 'spread' (tolerance_spread_multiple × the current spread); the dynamic modes are
-- capped by slippage_tolerance_pct. A mode's parameter is set exactly when that mode is chosen.
ALTER TABLE lt_strategies
  ADD COLUMN tolerance_mode TEXT NOT NULL DEFAULT 'fixed_pct' CHECK (tolerance_mode IN ('fixed_pct', 'ticks', 'spread')),
  ADD COLUMN tolerance_ticks INT CHECK (tolerance_ticks >= 1 AND tolerance_ticks <= 100),
  ADD COLUMN tolerance_spread_multiple NUMERIC(8,4) CHECK (tolerance_spread_multiple > 0 AND tolerance_spread_multiple <= 100),
  ADD CONSTRAINT lt_strategies_tolerance_parameter CHECK (
    (tolerance_ticks IS NOT NULL) = (tolerance_mode = 'ticks')
    AND (tolerance_spread_multiple IS NOT NULL) = (tolerance_mode = 'spread'));

-- What the market showed when a signal was skipped after pricing (for slippage): with the orders' own book at
-- intent, the slippage analysis replays every priced decision under each mode. NULL for other skips and for
-- decisions recorded before this migration
ALTER TABLE lt_dispositions
  ADD COLUMN side TEXT CHECK (side IN ('BUY', 'SELL')),
  ADD COLUMN signal_price NUMERIC(12,6),
  ADD COLUMN tick_size NUMERIC(12,6),
  ADD COLUMN best_bid NUMERIC(12,6),
  ADD COLUMN best_ask NUMERIC(12,6),
  ADD COLUMN expected_vwap NUMERIC(12,6);
