-- The LT open positions kept with the writes (issue 13, item 4b): what src/store/position-store.ts openPositions
-- otherwise computes from every order of the strategy on each call (the strategy list's and page's capital, the
-- positions list). A fourth model of read-models.ts (migration 0018), 'positions', for the current book:
--   lt_position_units  per FT signal with an open position (unsettled, shares > 0): its token, the FT order's time (the
--                      list's order), the shares held and their cost basis, as openPositions computes them
--   lt_position_sums   the open units summed per (token, the shares' fractional part, whether their whole part is odd):
--                      count, Σ whole shares, Σ cost. The value at a mark p read at the call is then exactly Σ of each
--                      position's half-even rounded shares × p (position-model.ts), with no trigger on prices
-- lt_read_mark marks a signal's unit on a write to its LT links, fills, ledger fills and settlements, its orders' side or
-- book, and its FT order's time or token.
ALTER TABLE lt_read_state DROP CONSTRAINT lt_read_state_model_check;
ALTER TABLE lt_read_state ADD CONSTRAINT lt_read_state_model_check CHECK (model IN ('gap', 'quality', 'counts', 'positions'));

CREATE TABLE lt_position_units (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  ft_order_id  UUID NOT NULL,
  token_id     TEXT NOT NULL,
  order_time   TIMESTAMPTZ NOT NULL,
  shares       NUMERIC NOT NULL,
  cost         NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, ft_order_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);
-- The positions list's pages: newest FT order first
CREATE INDEX lt_position_units_time ON lt_position_units (user_id, strategy_id, order_time DESC, ft_order_id);

CREATE TABLE lt_position_sums (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  token_id     TEXT NOT NULL,
  -- shares − trunc(shares), in [0, 1); odd: trunc(shares) is odd
  frac         NUMERIC NOT NULL,
  odd          BOOLEAN NOT NULL,
  positions    BIGINT NOT NULL,
  wholes       NUMERIC NOT NULL,
  cost         NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, token_id, frac, odd),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The trigger function of migration 0018 with the positions' marks added (the triggers are unchanged)
CREATE OR REPLACE FUNCTION lt_read_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'ft_orders' THEN
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'gap', g.user_id, g.strategy_id, NEW.order_id FROM lt_strategies s
      JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
    WHERE s.ft_wallet_id = NEW.wallet_id AND NEW.order_time >= s.launched_at;
    IF OLD.order_time IS DISTINCT FROM NEW.order_time OR OLD.asset IS DISTINCT FROM NEW.asset THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT DISTINCT 'positions', l.user_id, l.strategy_id, l.ft_order_id FROM lt_strategies s
        JOIN lt_read_state g ON g.model = 'positions' AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
        JOIN lt_orders l ON l.user_id = s.user_id AND l.strategy_id = s.strategy_id AND l.ft_order_id = NEW.order_id
      WHERE s.ft_wallet_id = NEW.wallet_id;
    END IF;
  ELSIF TG_LEVEL = 'ROW' THEN -- orders
    IF OLD.size IS DISTINCT FROM NEW.size OR OLD.side IS DISTINCT FROM NEW.side OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow
      OR OLD.mid_price IS DISTINCT FROM NEW.mid_price OR OLD.best_bid IS DISTINCT FROM NEW.best_bid
      OR OLD.best_ask IS DISTINCT FROM NEW.best_ask THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'gap', l.user_id, l.strategy_id, l.ft_order_id FROM lt_orders l
        JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
      WHERE l.order_id = NEW.order_id;
    END IF;
    IF OLD.side IS DISTINCT FROM NEW.side OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'positions', l.user_id, l.strategy_id, l.ft_order_id FROM lt_orders l
        JOIN lt_read_state g ON g.model = 'positions' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
      WHERE l.order_id = NEW.order_id;
    END IF;
    IF OLD.filled_size IS DISTINCT FROM NEW.filled_size OR OLD.side IS DISTINCT FROM NEW.side
      OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow OR OLD.token_id IS DISTINCT FROM NEW.token_id
      OR OLD.condition_id IS DISTINCT FROM NEW.condition_id THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'counts', l.user_id, l.strategy_id, l.order_id FROM lt_orders l
        JOIN lt_read_state g ON g.model = 'counts' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
      WHERE l.order_id = NEW.order_id;
    END IF;
    IF OLD.status IS DISTINCT FROM NEW.status OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at
      OR OLD.reject_reason IS DISTINCT FROM NEW.reject_reason OR OLD.limit_price IS DISTINCT FROM NEW.limit_price THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'quality', q.user_id, q.strategy_id, q.order_id FROM lt_execution_quality q
        JOIN lt_read_state g ON g.model = 'quality' AND g.user_id = q.user_id AND g.strategy_id = q.strategy_id
      WHERE q.order_id = NEW.order_id;
    END IF;
  ELSIF TG_TABLE_NAME = 'ft_orders' THEN
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'gap', g.user_id, g.strategy_id, c.order_id FROM changed c JOIN lt_strategies s ON s.ft_wallet_id = c.wallet_id
      JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
    WHERE c.order_time >= s.launched_at;
  ELSIF TG_TABLE_NAME = 'ft_closes' THEN
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'gap', g.user_id, g.strategy_id, o.order_id FROM changed c JOIN ft_orders o ON o.order_id = c.order_id
      JOIN lt_strategies s ON s.ft_wallet_id = o.wallet_id
      JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
    WHERE o.order_time >= s.launched_at;
  ELSIF TG_TABLE_NAME IN ('lt_dispositions', 'lt_orders') THEN
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'gap', c.user_id, c.strategy_id, c.ft_order_id FROM changed c
      JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
    IF TG_TABLE_NAME = 'lt_orders' THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'counts', c.user_id, c.strategy_id, c.order_id FROM changed c
        JOIN lt_read_state g ON g.model = 'counts' AND g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'positions', c.user_id, c.strategy_id, c.ft_order_id FROM changed c
        JOIN lt_read_state g ON g.model = 'positions' AND g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
    END IF;
  ELSIF TG_TABLE_NAME = 'fills' THEN
    -- the gap unit of the fill's order; for the counts, every order of its signal (what the signal holds changed)
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'gap', l.user_id, l.strategy_id, l.ft_order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id;
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'counts', s.user_id, s.strategy_id, s.order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_orders s ON s.user_id = l.user_id AND s.strategy_id = l.strategy_id AND s.ft_order_id = l.ft_order_id
      JOIN lt_read_state g ON g.model = 'counts' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id;
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'positions', l.user_id, l.strategy_id, l.ft_order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_read_state g ON g.model = 'positions' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id;
  ELSIF TG_TABLE_NAME = 'ledger_entries' THEN -- a settlement decides an entry's outcome; a fill or settlement a cost
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'counts', l.user_id, l.strategy_id, l.order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_read_state g ON g.model = 'counts' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
    WHERE c.kind = 'settlement';
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'positions', l.user_id, l.strategy_id, l.ft_order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_read_state g ON g.model = 'positions' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
    WHERE c.kind IN ('buy_fill', 'sell_fill', 'settlement');
  ELSE -- lt_execution_quality
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'quality', c.user_id, c.strategy_id, c.order_id FROM changed c
      JOIN lt_read_state g ON g.model = 'quality' AND g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
  END IF;
  RETURN NULL;
END $$;
