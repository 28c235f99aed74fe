-- Dashboard reads independent of the order count (issue 13, item 4b).
--
-- 1. Keyset pagination on an index that matches its ORDER BY: the LT orders list (src/store/order-view-store.ts) sorts
--    on (coalesce(signal_at, intent_at), order_id) newest first, per user and optionally per strategy.
CREATE INDEX orders_lt_user_signal ON orders (lt_user_id, (coalesce(signal_at, intent_at)) DESC, order_id DESC)
  WHERE lt_user_id IS NOT NULL;
CREATE INDEX orders_lt_strategy_signal ON orders (lt_user_id, lt_strategy_id, (coalesce(signal_at, intent_at)) DESC, order_id DESC)
  WHERE lt_user_id IS NOT NULL;
-- A strategy's paper orders newest first (src/store/ft-summary-store.ts ftOrders): (order_time, order_id) per wallet
CREATE INDEX ft_closes_wallet_time ON ft_closes (wallet_id, closed_at, close_id);
CREATE INDEX ft_orders_wallet_page ON ft_orders (wallet_id, order_time DESC, order_id DESC);
DROP INDEX ft_orders_wallet_time;

-- 2. Per FT strategy sums kept with the writes, as ledger_sums and lt_disposition_counts are (statement triggers over
--    each statement's transition tables: added rows counted up, removed rows down, in the same transaction; keys
--    locked in one order). What /api/ft/wallets and the overview read instead of every paper order and close:
--    ft_wallet_sums  per strategy: its paper orders by outcome, the cost still open, the realized P&L (Σ ft_closes.pnl)
--    ft_token_sums   per (strategy, market token) its OPEN orders: how many, Σ open shares, Σ open cost; the unrealized
--                    P&L is Σ open shares × the token's price − Σ open cost, marked at the read (a row is removed when
--                    its last open order closes)
CREATE TABLE ft_wallet_sums (
  wallet_id TEXT PRIMARY KEY REFERENCES ft_wallets (wallet_id) ON DELETE CASCADE,
  orders    BIGINT NOT NULL,
  open      BIGINT NOT NULL,
  won       BIGINT NOT NULL,
  lost      BIGINT NOT NULL,
  sold      BIGINT NOT NULL,
  void      BIGINT NOT NULL,
  open_cost NUMERIC NOT NULL,
  realized  NUMERIC NOT NULL
);

CREATE TABLE ft_token_sums (
  wallet_id    TEXT NOT NULL REFERENCES ft_wallets (wallet_id) ON DELETE CASCADE,
  condition_id TEXT NOT NULL,
  asset        TEXT NOT NULL,
  orders       BIGINT NOT NULL,
  open_shares  NUMERIC NOT NULL,
  open_cost    NUMERIC NOT NULL,
  PRIMARY KEY (wallet_id, condition_id, asset)
);

-- The paper orders' part; `src` selects the statement's rows ($cols) with n = +1 (added) or −1 (removed). EXECUTE, so
-- one text serves the three triggers (a static query may not name a transition table its trigger does not have); in
-- the trigger function itself, the only place the transition tables are visible
CREATE FUNCTION ft_order_sums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  src TEXT := CASE TG_OP WHEN 'INSERT' THEN 'SELECT $cols, 1 AS n FROM added'
    WHEN 'DELETE' THEN 'SELECT $cols, -1 AS n FROM removed'
    ELSE 'SELECT $cols, 1 AS n FROM added UNION ALL SELECT $cols, -1 FROM removed' END;
BEGIN
  EXECUTE format($q$
    WITH d AS (%s), g AS (
      SELECT wallet_id, sum(n) AS orders, coalesce(sum(n) FILTER (WHERE outcome = 'OPEN'), 0) AS open,
        coalesce(sum(n) FILTER (WHERE outcome = 'WON'), 0) AS won, coalesce(sum(n) FILTER (WHERE outcome = 'LOST'), 0) AS lost,
        coalesce(sum(n) FILTER (WHERE outcome = 'SOLD'), 0) AS sold, coalesce(sum(n) FILTER (WHERE outcome = 'VOID'), 0) AS void,
        coalesce(sum(n * open_cost) FILTER (WHERE outcome = 'OPEN'), 0) AS open_cost
      FROM d GROUP BY wallet_id)
    INSERT INTO ft_wallet_sums AS s (wallet_id, orders, open, won, lost, sold, void, open_cost, realized)
    SELECT g.*, 0 FROM g WHERE (orders, open, won, lost, sold, void, open_cost) <> (0, 0, 0, 0, 0, 0, 0) ORDER BY wallet_id
    ON CONFLICT (wallet_id) DO UPDATE SET orders = s.orders + EXCLUDED.orders, open = s.open + EXCLUDED.open,
      won = s.won + EXCLUDED.won, lost = s.lost + EXCLUDED.lost, sold = s.sold + EXCLUDED.sold,
      void = s.void + EXCLUDED.void, open_cost = s.open_cost + EXCLUDED.open_cost$q$,
    replace(src, '$cols', 'wallet_id, outcome, open_cost'));
  EXECUTE format($q$
    WITH d AS (%s)
    INSERT INTO ft_token_sums AS s (wallet_id, condition_id, asset, orders, open_shares, open_cost)
    SELECT * FROM (SELECT wallet_id, condition_id, asset, sum(n) AS orders, sum(n * open_shares) AS open_shares,
        sum(n * open_cost) AS open_cost FROM d WHERE outcome = 'OPEN' GROUP BY 1, 2, 3) g
    WHERE (orders, open_shares, open_cost) <> (0, 0, 0) ORDER BY 1, 2, 3
    ON CONFLICT (wallet_id, condition_id, asset) DO UPDATE SET orders = s.orders + EXCLUDED.orders,
      open_shares = s.open_shares + EXCLUDED.open_shares, open_cost = s.open_cost + EXCLUDED.open_cost$q$,
    replace(src, '$cols', 'wallet_id, condition_id, asset, outcome, open_shares, open_cost'));
  -- a token's last open order closed: nothing left to mark
  EXECUTE format($q$
    DELETE FROM ft_token_sums t WHERE t.orders = 0
      AND (t.wallet_id, t.condition_id, t.asset) IN (SELECT wallet_id, condition_id, asset FROM (%s) d WHERE outcome = 'OPEN')$q$,
    replace(src, '$cols', 'wallet_id, condition_id, asset, outcome'));
  RETURN NULL;
END $$;

CREATE TRIGGER ft_order_sums_insert AFTER INSERT ON ft_orders
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ft_order_sums();
CREATE TRIGGER ft_order_sums_update AFTER UPDATE ON ft_orders
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ft_order_sums();
CREATE TRIGGER ft_order_sums_delete AFTER DELETE ON ft_orders
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION ft_order_sums();

-- 3. ft_close_curve: per strategy its closes in (closed_at, close_id) order, each with the realized P&L through it (cum).
--    The overview's sparkline reads the cumulative at each of its time buckets' ends by index (one probe per bucket)
--    instead of windowing over every close. A statement's closes recompute the strategy's rows from the earliest
--    closed_at they touch (normally the newest: a close is booked when it happens), after its ft_wallet_sums row is
--    locked, so concurrent writers of one strategy recompute one after the other, each from a fresh snapshot
CREATE TABLE ft_close_curve (
  wallet_id TEXT NOT NULL REFERENCES ft_wallets (wallet_id) ON DELETE CASCADE,
  closed_at TIMESTAMPTZ NOT NULL,
  close_id  UUID NOT NULL,
  cum       NUMERIC NOT NULL,
  PRIMARY KEY (wallet_id, closed_at, close_id)
);

-- The closes' part: the realized P&L (the row locked even when the statement's P&L sums to 0), then the curve
CREATE FUNCTION ft_close_sums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  src TEXT := CASE TG_OP WHEN 'INSERT' THEN 'SELECT wallet_id, closed_at, pnl FROM added'
    WHEN 'DELETE' THEN 'SELECT wallet_id, closed_at, -pnl FROM removed'
    ELSE 'SELECT wallet_id, closed_at, pnl FROM added UNION ALL SELECT wallet_id, closed_at, -pnl FROM removed' END;
  w TEXT;
  t0 TIMESTAMPTZ;
BEGIN
  EXECUTE format($q$
    INSERT INTO ft_wallet_sums AS s (wallet_id, orders, open, won, lost, sold, void, open_cost, realized)
    SELECT wallet_id, 0, 0, 0, 0, 0, 0, 0, sum(pnl) FROM (%s) d (wallet_id, closed_at, pnl) GROUP BY wallet_id
    ORDER BY wallet_id
    ON CONFLICT (wallet_id) DO UPDATE SET realized = s.realized + EXCLUDED.realized$q$, src);
  IF TG_OP <> 'INSERT' THEN
    EXECUTE 'DELETE FROM ft_close_curve c USING removed r
      WHERE (c.wallet_id, c.closed_at, c.close_id) = (r.wallet_id, r.closed_at, r.close_id)';
  END IF;
  -- per strategy, with its time as a value the planner sees (EXECUTE … USING): the closes from t0 on, by index
  FOR w, t0 IN EXECUTE format('SELECT wallet_id, min(closed_at) FROM (%s) d (wallet_id, closed_at, pnl) GROUP BY 1 ORDER BY 1', src)
  LOOP
    EXECUTE $q$
      INSERT INTO ft_close_curve AS k (wallet_id, closed_at, close_id, cum)
      SELECT c.wallet_id, c.closed_at, c.close_id,
        coalesce((SELECT p.cum FROM ft_close_curve p WHERE p.wallet_id = $1 AND p.closed_at < $2
          ORDER BY p.closed_at DESC, p.close_id DESC LIMIT 1), 0) + sum(c.pnl) OVER (ORDER BY c.closed_at, c.close_id)
      FROM ft_closes c WHERE c.wallet_id = $1 AND c.closed_at >= $2
      ON CONFLICT (wallet_id, closed_at, close_id) DO UPDATE SET cum = EXCLUDED.cum WHERE k.cum <> EXCLUDED.cum$q$
    USING w, t0;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER ft_close_sums_insert AFTER INSERT ON ft_closes
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ft_close_sums();
CREATE TRIGGER ft_close_sums_update AFTER UPDATE ON ft_closes
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ft_close_sums();
CREATE TRIGGER ft_close_sums_delete AFTER DELETE ON ft_closes
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION ft_close_sums();

-- The backfill: the orders and closes booked before this migration
INSERT INTO ft_wallet_sums (wallet_id, orders, open, won, lost, sold, void, open_cost, realized)
SELECT w.wallet_id, coalesce(o.orders, 0), coalesce(o.open, 0), coalesce(o.won, 0), coalesce(o.lost, 0), coalesce(o.sold, 0),
  coalesce(o.void, 0), coalesce(o.open_cost, 0), coalesce(c.realized, 0)
FROM ft_wallets w
LEFT JOIN (SELECT wallet_id, count(*) AS orders, count(*) FILTER (WHERE outcome = 'OPEN') AS open,
    count(*) FILTER (WHERE outcome = 'WON') AS won, count(*) FILTER (WHERE outcome = 'LOST') AS lost,
    count(*) FILTER (WHERE outcome = 'SOLD') AS sold, count(*) FILTER (WHERE outcome = 'VOID') AS void,
    coalesce(sum(open_cost) FILTER (WHERE outcome = 'OPEN'), 0) AS open_cost
  FROM ft_orders GROUP BY wallet_id) o ON o.wallet_id = w.wallet_id
LEFT JOIN (SELECT wallet_id, sum(pnl) AS realized FROM ft_closes GROUP BY wallet_id) c ON c.wallet_id = w.wallet_id
WHERE o.wallet_id IS NOT NULL OR c.wallet_id IS NOT NULL;

INSERT INTO ft_close_curve (wallet_id, closed_at, close_id, cum)
SELECT wallet_id, closed_at, close_id, sum(pnl) OVER (PARTITION BY wallet_id ORDER BY closed_at, close_id) FROM ft_closes;

INSERT INTO ft_token_sums (wallet_id, condition_id, asset, orders, open_shares, open_cost)
SELECT wallet_id, condition_id, asset, count(*), sum(open_shares), sum(open_cost) FROM ft_orders WHERE outcome = 'OPEN'
GROUP BY 1, 2, 3;
