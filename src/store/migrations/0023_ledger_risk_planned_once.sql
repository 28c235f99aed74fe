-- ledger_risk_add (0022) with its statement planned once per session instead of at every append: EXECUTE planned it
-- anew each time (about 1.2 ms of a 2 ms intent statement on PGlite), so that a plan cached while the orders table was
-- nearly empty could not scan every order per entry. With sequential scans off inside the function, the cached plan
-- reads each entry's order through its primary key whatever the table's size when it was planned (the transition
-- table has no index, so it is still read in full). The statement is 0022's, unchanged.
CREATE OR REPLACE FUNCTION ledger_risk_add() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  -- ORDER BY: concurrent appends to one strategy lock its rows in one order
  WITH e AS (SELECT e.user_id, e.strategy_id, e.book, e.kind, e.amount, e.cost_basis, e.created_at, o.condition_id, o.side,
      o.intent_at FROM ledger_new e LEFT JOIN orders o ON o.order_id = e.order_id),
    market AS (INSERT INTO ledger_market_sums AS s (user_id, strategy_id, book, condition_id, exposure)
      SELECT user_id, strategy_id, book, condition_id, coalesce(sum(CASE kind WHEN 'reserve' THEN amount
          WHEN 'release' THEN -amount WHEN 'sell_fill' THEN -cost_basis WHEN 'settlement' THEN -cost_basis ELSE 0 END), 0)
      FROM e WHERE condition_id IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (user_id, strategy_id, book, condition_id) DO UPDATE SET exposure = s.exposure + EXCLUDED.exposure)
  INSERT INTO ledger_day_sums AS s (user_id, strategy_id, book, day, committed, realized)
  SELECT user_id, strategy_id, book, day, coalesce(sum(committed), 0), coalesce(sum(realized), 0) FROM (
      SELECT user_id, strategy_id, book, (intent_at AT TIME ZONE 'UTC')::date AS day,
        CASE kind WHEN 'reserve' THEN amount ELSE -amount END AS committed, NULL::numeric AS realized
      FROM e WHERE side = 'BUY' AND kind IN ('reserve', 'release')
      UNION ALL
      SELECT user_id, strategy_id, book, (created_at AT TIME ZONE 'UTC')::date, NULL,
        CASE WHEN kind = 'fee' THEN -amount ELSE amount - cost_basis END
      FROM e WHERE kind IN ('sell_fill', 'settlement', 'fee')) x
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (user_id, strategy_id, book, day) DO UPDATE
    SET committed = s.committed + EXCLUDED.committed, realized = s.realized + EXCLUDED.realized;
  RETURN NULL;
END $$;
