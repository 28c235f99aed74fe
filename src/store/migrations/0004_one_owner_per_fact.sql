-- One owner per fact. An order's status lives only in `orders`, changed only through the order state table
-- (src/domain/lt-order.ts); cash lives only in `ledger_entries`. The copies lt_orders kept (its status mirror, and
-- executed price, slippage, fill rate, realized P&L and outcome, rewritten on every fill) are dropped: the view
-- lt_order_facts derives them from `orders`, `fills` (through the quality projection) and the ledger, so existing
-- databases keep every figure and nothing can disagree with its source any more.

ALTER TABLE lt_orders
  DROP COLUMN status,
  DROP COLUMN executed_price,
  DROP COLUMN slippage_pct,
  DROP COLUMN fill_rate,
  DROP COLUMN realized_pnl,
  DROP COLUMN outcome;

-- The quality projection kept its own copy of the order's status: it is read from `orders` instead
ALTER TABLE lt_execution_quality DROP COLUMN status;

-- Per-order ledger reads (an order's reservation, its settlement) no longer scan a strategy's whole ledger
CREATE INDEX ledger_order ON ledger_entries (order_id) WHERE order_id IS NOT NULL;

-- One row per lt_orders row with the figures derived from their sources:
--   status, filled_size   the order's (orders)
--   executed_price        VWAP of our fill legs; slippage_pct its signal slippage in percent (the quality row's)
--   fill_rate             filled / size, once the order has filled or ended (NULL before)
--   cost_delta            what the order moved into (+, BUY fills) or out of (−, cost basis sold or settled) the
--                         position's cost
--   settled, realized_pnl the order's ledger rows: Σ (sell or settlement proceeds − cost basis) − fees; an entry has
--                         one once settled, an exit once it has filled or ended
--   held                  shares the strategy still holds from the signal (all its legs: BUY fills net of share
--                         fees − SELL fills), 0 once settled
--   outcome               an entry: WON / LOST / VOID by its market's payout once settled, SOLD when it bought and
--                         nothing is held, NONE when it ended without a fill, else OPEN; an exit: SOLD once it sold
--                         anything, NONE when it ended without, else OPEN
CREATE VIEW lt_order_facts AS
SELECT l.lt_order_id, l.user_id, l.strategy_id, l.order_id, l.ft_order_id, l.leg, l.source_trade_id, l.signal_price,
  l.created_at, o.status, o.side, o.token_id, o.condition_id, o.is_shadow, o.size, o.filled_size,
  q.executed_price,
  q.signal_slippage_pct AS slippage_pct,
  CASE WHEN o.filled_size > 0 OR t.terminal THEN q.fill_rate END AS fill_rate,
  led.settled,
  led.cost_delta,
  CASE WHEN o.side = 'SELL' AND (o.filled_size > 0 OR t.terminal) THEN led.realized
    WHEN o.side = 'BUY' AND led.settled THEN led.realized END AS realized_pnl,
  CASE WHEN led.settled THEN 0 ELSE pos.held END AS held,
  CASE
    WHEN o.side = 'SELL' THEN CASE WHEN o.filled_size > 0 THEN 'SOLD' WHEN t.terminal THEN 'NONE' ELSE 'OPEN' END
    WHEN led.settled AND pos.held > 0 THEN CASE m.outcome_prices[array_position(m.clob_token_ids, o.token_id)]
      WHEN 1 THEN 'WON' WHEN 0 THEN 'LOST' ELSE 'VOID' END
    WHEN o.filled_size > 0 AND pos.held = 0 THEN 'SOLD'
    WHEN o.filled_size = 0 AND t.terminal THEN 'NONE'
    ELSE 'OPEN'
  END AS outcome
FROM lt_orders l
JOIN orders o ON o.order_id = l.order_id
CROSS JOIN LATERAL (SELECT o.status IN ('filled', 'cancelled', 'expired', 'rejected') AS terminal) t
LEFT JOIN lt_execution_quality q ON q.order_id = l.order_id
LEFT JOIN markets m ON m.condition_id = o.condition_id
CROSS JOIN LATERAL (
  SELECT coalesce(bool_or(e.kind = 'settlement'), false) AS settled,
    coalesce(sum(CASE WHEN e.kind = 'buy_fill' THEN e.amount WHEN e.kind IN ('sell_fill', 'settlement') THEN -e.cost_basis
      ELSE 0 END), 0) AS cost_delta,
    coalesce(sum(CASE WHEN e.kind IN ('sell_fill', 'settlement') THEN e.amount - e.cost_basis
      WHEN e.kind = 'fee' THEN -e.amount ELSE 0 END), 0) AS realized
  FROM ledger_entries e WHERE e.order_id = l.order_id) led
CROSS JOIN LATERAL (
  SELECT coalesce(sum(CASE WHEN g.side = 'BUY' THEN f.size - CASE WHEN f.fee_asset = 'shares' THEN f.fee_amount ELSE 0 END
    ELSE -f.size END), 0) AS held
  FROM lt_orders s JOIN orders g ON g.order_id = s.order_id JOIN fills f ON f.order_id = s.order_id
  WHERE s.user_id = l.user_id AND s.strategy_id = l.strategy_id AND s.ft_order_id = l.ft_order_id) pos;
