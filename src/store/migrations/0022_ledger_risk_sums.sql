-- What checkRisk reads besides the balances, kept as ledger_sums is (migration 0010: a statement trigger adds each
-- statement's new entries; the ledger is append-only, and an order's market, side and intent time never change), so
-- an intent's ledger read and the risk chart cost a few rows, not a pass over every entry of the strategy's book:
--   ledger_market_sums per market (the order's condition): the cost of shares held plus cash reserved for resting
--     orders (reserve − release − the cost basis of sells and settlements)
--   ledger_day_sums per UTC day: committed, of BUY orders by their intent's day (reserve − release); realized, by the
--     entry's day (sells and settlements less their cost basis, less fees)
-- src/store/ledger-store.ts riskTotalsOf reads them; riskTotalsRecomputed is the reference they are held to.
CREATE TABLE ledger_market_sums (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  book         TEXT NOT NULL,
  condition_id TEXT NOT NULL,
  exposure     NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, book, condition_id)
);

CREATE TABLE ledger_day_sums (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  book        TEXT NOT NULL,
  day         DATE NOT NULL,
  committed   NUMERIC NOT NULL,
  realized    NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, book, day)
);

-- The function runs its statement through EXECUTE, so it is planned at each call for the entries it has and the orders
-- table as it is: a plan cached by the session's first append (when orders may be empty) would scan every order per entry
CREATE FUNCTION ledger_risk_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- ORDER BY: concurrent appends to one strategy lock its rows in one order
  EXECUTE $q$
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
      SET committed = s.committed + EXCLUDED.committed, realized = s.realized + EXCLUDED.realized
  $q$;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_risk_on_append AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS ledger_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_risk_add();

-- The entries so far
INSERT INTO ledger_market_sums (user_id, strategy_id, book, condition_id, exposure)
SELECT e.user_id, e.strategy_id, e.book, o.condition_id, coalesce(sum(CASE e.kind WHEN 'reserve' THEN e.amount
    WHEN 'release' THEN -e.amount WHEN 'sell_fill' THEN -e.cost_basis WHEN 'settlement' THEN -e.cost_basis ELSE 0 END), 0)
FROM ledger_entries e JOIN orders o ON o.order_id = e.order_id GROUP BY 1, 2, 3, 4;
INSERT INTO ledger_day_sums (user_id, strategy_id, book, day, committed, realized)
SELECT user_id, strategy_id, book, day, coalesce(sum(committed), 0), coalesce(sum(realized), 0) FROM (
    SELECT e.user_id, e.strategy_id, e.book, (o.intent_at AT TIME ZONE 'UTC')::date AS day,
      CASE e.kind WHEN 'reserve' THEN e.amount ELSE -e.amount END AS committed, NULL::numeric AS realized
    FROM ledger_entries e JOIN orders o ON o.order_id = e.order_id WHERE o.side = 'BUY' AND e.kind IN ('reserve', 'release')
    UNION ALL
    SELECT e.user_id, e.strategy_id, e.book, (e.created_at AT TIME ZONE 'UTC')::date, NULL,
      CASE WHEN e.kind = 'fee' THEN -e.amount ELSE e.amount - e.cost_basis END
    FROM ledger_entries e WHERE e.kind IN ('sell_fill', 'settlement', 'fee')) x
GROUP BY 1, 2, 3, 4;
