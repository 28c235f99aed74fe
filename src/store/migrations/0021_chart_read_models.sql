-- The strategy page's charts kept with the writes (docs/metrics.md, "The strategy page's charts and the risk figures").
-- The equity series (src/store/series-read-model.ts), kept with the gap's read model (the same dirty marks, refresh and
-- build): per decided leg since launch its time, token and FT's and LT's P&L as pico parts a, b and e (a + b·mark, or
-- e without a mark); summed per time bucket of the strategy's current width and token (lt_series_sums), and per bucket
-- at the marks last used (lt_series_points, lt_series_marks), so a chart reads a few hundred buckets, not every leg.
CREATE TABLE lt_series_legs (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  ft_order_id UUID NOT NULL,
  leg         TEXT NOT NULL,
  at          TIMESTAMPTZ NOT NULL,
  token       TEXT NOT NULL,
  lt_a NUMERIC NOT NULL, lt_b NUMERIC NOT NULL, lt_e NUMERIC NOT NULL,
  ft_a NUMERIC NOT NULL, ft_b NUMERIC NOT NULL, ft_e NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, ft_order_id, leg),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The bucket width the sums and points are kept at (changed, and the sums rebuilt from the legs, as the strategy ages)
CREATE TABLE lt_series_state (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  width_ms    BIGINT NOT NULL CHECK (width_ms > 0),
  PRIMARY KEY (user_id, strategy_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The legs summed per bucket k (⌊epoch ms / width⌋) and token
CREATE TABLE lt_series_sums (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  k           BIGINT NOT NULL,
  token       TEXT NOT NULL,
  lt_a NUMERIC NOT NULL, lt_b NUMERIC NOT NULL, lt_e NUMERIC NOT NULL,
  ft_a NUMERIC NOT NULL, ft_b NUMERIC NOT NULL, ft_e NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, token, k),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The mark (micro price) each token's sums were last valued at; no row or NULL: without a mark (the e parts)
CREATE TABLE lt_series_marks (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  token       TEXT NOT NULL,
  mark        NUMERIC,
  PRIMARY KEY (user_id, strategy_id, token),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- Per bucket, FT's and LT's P&L (pico) of its legs at lt_series_marks: Σ over the bucket's sums of a + b·mark, or e
CREATE TABLE lt_series_points (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  k           BIGINT NOT NULL,
  lt          NUMERIC NOT NULL,
  ft          NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, k),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The charts model (src/store/charts-read-model.ts): per order of the strategy's current book (a unit) the minute of its
-- signal, and when finished its filled and intended shares (the fill-rate chart), and the distribution bucket of its
-- signal slippage in percent and in ticks and of its order latency (the distributions); summed per (key, value): key
-- 'm', 'h', 'd' the signal's minute, hour or day since the epoch (orders, filled, intended), key 'pct', 'ticks', 'ms' a
-- distribution's bucket index (orders). Dirty marks, refresh and build as the other models (read-models.ts)
ALTER TABLE lt_read_state DROP CONSTRAINT lt_read_state_model_check;
ALTER TABLE lt_read_state ADD CONSTRAINT lt_read_state_model_check CHECK (model IN ('gap', 'quality', 'counts', 'positions', 'charts'));

CREATE TABLE lt_chart_units (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  order_id    UUID NOT NULL,
  minute      BIGINT NOT NULL,
  filled      NUMERIC NOT NULL,
  intended    NUMERIC NOT NULL,
  pct_bucket   INT,
  ticks_bucket INT,
  ms_bucket    INT,
  PRIMARY KEY (user_id, strategy_id, order_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

CREATE TABLE lt_chart_sums (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       BIGINT NOT NULL,
  orders      BIGINT NOT NULL,
  filled      NUMERIC NOT NULL,
  intended    NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, key, value),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- An order of a strategy with a built charts model marks itself: when written, when a charted column changes, and when
-- its quality row is written
CREATE FUNCTION lt_chart_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN -- an order's update
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'charts', g.user_id, g.strategy_id, NEW.order_id FROM lt_read_state g
    WHERE g.model = 'charts' AND g.user_id = NEW.lt_user_id AND g.strategy_id = NEW.lt_strategy_id;
  ELSIF TG_TABLE_NAME = 'orders' THEN
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'charts', g.user_id, g.strategy_id, c.order_id FROM changed c
      JOIN lt_read_state g ON g.model = 'charts' AND g.user_id = c.lt_user_id AND g.strategy_id = c.lt_strategy_id;
  ELSE -- lt_execution_quality
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'charts', g.user_id, g.strategy_id, c.order_id FROM changed c
      JOIN lt_read_state g ON g.model = 'charts' AND g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER lt_chart_orders_update AFTER UPDATE ON orders FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.filled_size IS DISTINCT FROM NEW.filled_size
    OR OLD.size IS DISTINCT FROM NEW.size OR OLD.signal_at IS DISTINCT FROM NEW.signal_at
    OR OLD.intent_at IS DISTINCT FROM NEW.intent_at OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow
    OR OLD.lt_strategy_id IS DISTINCT FROM NEW.lt_strategy_id)
  EXECUTE FUNCTION lt_chart_mark();
CREATE TRIGGER lt_chart_orders_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_chart_mark();
CREATE TRIGGER lt_chart_orders_delete AFTER DELETE ON orders
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_chart_mark();
CREATE TRIGGER lt_chart_quality_insert AFTER INSERT ON lt_execution_quality
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_chart_mark();
CREATE TRIGGER lt_chart_quality_update AFTER UPDATE ON lt_execution_quality
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_chart_mark();
CREATE TRIGGER lt_chart_quality_delete AFTER DELETE ON lt_execution_quality
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_chart_mark();
