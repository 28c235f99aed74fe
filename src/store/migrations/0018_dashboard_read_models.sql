-- The dashboard's read models kept with the writes (issue 13, item 4): what the LT comparison summary otherwise computes
-- from every order per call. src/store/read-models.ts keeps them; each model has units (what one FT order or LT order
-- adds to a summary) and their sums:
--   gap      lt_gap_units per FT order since launch (its entry and exits: counts, FT's side, each figure's exact pico
--            parts a, b and e as src/store/gap-summary-store.ts computes them); lt_gap_sums per token
--   quality  lt_quality_units per LT order of the current book (counters, rejection reason, the summarized figures in
--            micro-units as src/store/quality-aggregate-store.ts derives them); lt_quality_sums per (key, value)
--   counts   lt_count_units per LT order of the current book (a fill; a settled entry still holding shares, whose
--            outcome is its token's payout: src/store/order-counts-model.ts); lt_count_sums per market token
-- lt_read_state says for what basis (the launch and book, or the book) a strategy's model was built and whether the
-- build finished; lt_read_dirty lists the units writes touched since (no key: every write appends a row, so a write
-- committed after a refresh's snapshot keeps its row for the next refresh).
CREATE TABLE lt_read_state (
  model       TEXT NOT NULL CHECK (model IN ('gap', 'quality', 'counts')),
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  basis       TEXT NOT NULL,
  -- false from the moment the state is written until its units are built
  ready       BOOLEAN NOT NULL,
  PRIMARY KEY (model, user_id, strategy_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

CREATE TABLE lt_read_dirty (
  model       TEXT NOT NULL,
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  unit        UUID NOT NULL
);
CREATE INDEX lt_read_dirty_strategy ON lt_read_dirty (model, user_id, strategy_id);

CREATE TABLE lt_gap_units (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  ft_order_id  UUID NOT NULL,
  token        TEXT NOT NULL,
  signals      INT NOT NULL,
  not_mirrored INT NOT NULL,
  pending      INT NOT NULL,
  entries      INT NOT NULL,
  invested     NUMERIC NOT NULL,
  won          INT NOT NULL,
  lost         INT NOT NULL,
  realized     NUMERIC NOT NULL,
  lt_a NUMERIC NOT NULL, lt_b NUMERIC NOT NULL, lt_e NUMERIC NOT NULL,
  ft_a NUMERIC NOT NULL, ft_b NUMERIC NOT NULL, ft_e NUMERIC NOT NULL,
  delay_a NUMERIC NOT NULL, delay_b NUMERIC NOT NULL, delay_e NUMERIC NOT NULL,
  execution_a NUMERIC NOT NULL, execution_b NUMERIC NOT NULL, execution_e NUMERIC NOT NULL,
  fees_a NUMERIC NOT NULL, fees_b NUMERIC NOT NULL, fees_e NUMERIC NOT NULL,
  opportunity_a NUMERIC NOT NULL, opportunity_b NUMERIC NOT NULL, opportunity_e NUMERIC NOT NULL,
  sizing_a NUMERIC NOT NULL, sizing_b NUMERIC NOT NULL, sizing_e NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, ft_order_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The same columns as lt_gap_units but the FT order, summed per token (signals etc. sums of counts)
CREATE TABLE lt_gap_sums (LIKE lt_gap_units);
ALTER TABLE lt_gap_sums DROP COLUMN ft_order_id;
ALTER TABLE lt_gap_sums ALTER COLUMN signals TYPE BIGINT, ALTER COLUMN not_mirrored TYPE BIGINT, ALTER COLUMN pending TYPE BIGINT,
  ALTER COLUMN entries TYPE BIGINT, ALTER COLUMN won TYPE BIGINT, ALTER COLUMN lost TYPE BIGINT;
ALTER TABLE lt_gap_sums ADD PRIMARY KEY (user_id, strategy_id, token);
ALTER TABLE lt_gap_sums ADD FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE;

CREATE TABLE lt_quality_units (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  order_id    UUID NOT NULL,
  orders NUMERIC NOT NULL,
  finished NUMERIC NOT NULL,
  accepted NUMERIC NOT NULL,
  accepted_filled NUMERIC NOT NULL,
  accepted_complete NUMERIC NOT NULL,
  sent NUMERIC NOT NULL,
  fees NUMERIC NOT NULL,
  weighted_part NUMERIC NOT NULL,
  weighted_whole NUMERIC NOT NULL,
  quantity_part NUMERIC NOT NULL,
  quantity_whole NUMERIC NOT NULL,
  usd_part NUMERIC NOT NULL,
  usd_whole NUMERIC NOT NULL,
  reason      TEXT,
  signal_pct NUMERIC,
  signal_cents NUMERIC,
  signal_ticks NUMERIC,
  mid_pct NUMERIC,
  mid_ticks NUMERIC,
  expected_pct NUMERIC,
  order_latency_ms NUMERIC,
  fill_latency_ms NUMERIC,
  detection_latency_ms NUMERIC,
  score NUMERIC,
  PRIMARY KEY (user_id, strategy_id, order_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- key: 'c:<counter>' (value 0), 'r:<rejection reason>' (value 0), 'h:<figure>' (a figure's value); weight: the sum of the
-- counter, or how many orders have that reason or value
CREATE TABLE lt_quality_sums (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       NUMERIC NOT NULL,
  weight      NUMERIC NOT NULL,
  PRIMARY KEY (user_id, strategy_id, key, value),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

CREATE TABLE lt_count_units (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  order_id     UUID NOT NULL,
  condition_id TEXT NOT NULL,
  token_id     TEXT NOT NULL,
  filled       INT NOT NULL,
  settled_held INT NOT NULL,
  PRIMARY KEY (user_id, strategy_id, order_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

CREATE TABLE lt_count_sums (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  condition_id TEXT NOT NULL,
  token_id     TEXT NOT NULL,
  ordered      BIGINT NOT NULL,
  filled       BIGINT NOT NULL,
  settled_held BIGINT NOT NULL,
  PRIMARY KEY (user_id, strategy_id, condition_id, token_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

-- The one trigger function: the units a statement's rows (its transition table `changed`) or a row (OLD/NEW) touch, for
-- every strategy with a model. An FT order or close reaches the strategies that mirror its wallet since before the
-- order; a disposition or LT link names its gap unit; a fill reaches it through the order's LT link; a quality row
-- names its order. An order's row trigger fires only WHEN a column a model reads changed (an order is written before
-- its LT link and quality row, which mark it, and is never deleted while linked), so its frequent other updates cost
-- nothing here; likewise an FT order's open shares
CREATE FUNCTION lt_read_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'ft_orders' THEN
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'gap', g.user_id, g.strategy_id, NEW.order_id FROM lt_strategies s
      JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
    WHERE s.ft_wallet_id = NEW.wallet_id AND NEW.order_time >= s.launched_at;
  ELSIF TG_LEVEL = 'ROW' THEN -- orders
    IF OLD.size IS DISTINCT FROM NEW.size OR OLD.side IS DISTINCT FROM NEW.side OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow
      OR OLD.mid_price IS DISTINCT FROM NEW.mid_price OR OLD.best_bid IS DISTINCT FROM NEW.best_bid
      OR OLD.best_ask IS DISTINCT FROM NEW.best_ask THEN
      INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
      SELECT 'gap', l.user_id, l.strategy_id, l.ft_order_id FROM lt_orders l
        JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
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
  ELSIF TG_TABLE_NAME = 'ledger_entries' THEN -- a settlement decides an entry's outcome
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'counts', l.user_id, l.strategy_id, l.order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_read_state g ON g.model = 'counts' AND g.user_id = l.user_id AND g.strategy_id = l.strategy_id
    WHERE c.kind = 'settlement';
  ELSE -- lt_execution_quality
    INSERT INTO lt_read_dirty (model, user_id, strategy_id, unit)
    SELECT 'quality', c.user_id, c.strategy_id, c.order_id FROM changed c
      JOIN lt_read_state g ON g.model = 'quality' AND g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
  END IF;
  RETURN NULL;
END $$;

-- A trigger with a transition table has one event, so a table has one per event (a delete marks from the old rows)
CREATE TRIGGER lt_read_ft_orders_update AFTER UPDATE ON ft_orders FOR EACH ROW
  WHEN (OLD.shares IS DISTINCT FROM NEW.shares OR OLD.entry_price IS DISTINCT FROM NEW.entry_price
    OR OLD.size IS DISTINCT FROM NEW.size OR OLD.asset IS DISTINCT FROM NEW.asset OR OLD.outcome IS DISTINCT FROM NEW.outcome
    OR OLD.order_time IS DISTINCT FROM NEW.order_time OR OLD.wallet_id IS DISTINCT FROM NEW.wallet_id)
  EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_orders_update AFTER UPDATE ON orders FOR EACH ROW
  WHEN (OLD.size IS DISTINCT FROM NEW.size OR OLD.side IS DISTINCT FROM NEW.side OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow
    OR OLD.mid_price IS DISTINCT FROM NEW.mid_price OR OLD.best_bid IS DISTINCT FROM NEW.best_bid
    OR OLD.best_ask IS DISTINCT FROM NEW.best_ask OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at OR OLD.reject_reason IS DISTINCT FROM NEW.reject_reason
    OR OLD.limit_price IS DISTINCT FROM NEW.limit_price OR OLD.filled_size IS DISTINCT FROM NEW.filled_size
    OR OLD.token_id IS DISTINCT FROM NEW.token_id OR OLD.condition_id IS DISTINCT FROM NEW.condition_id)
  EXECUTE FUNCTION lt_read_mark();
-- The ledger is append-only (migration 0010): its inserts are all there is to see
CREATE TRIGGER lt_read_ledger_insert AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_ft_orders_insert AFTER INSERT ON ft_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_ft_orders_delete AFTER DELETE ON ft_orders
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_ft_closes_insert AFTER INSERT ON ft_closes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_ft_closes_update AFTER UPDATE ON ft_closes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_ft_closes_delete AFTER DELETE ON ft_closes
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_dispositions_insert AFTER INSERT ON lt_dispositions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_dispositions_update AFTER UPDATE ON lt_dispositions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_dispositions_delete AFTER DELETE ON lt_dispositions
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_lt_orders_insert AFTER INSERT ON lt_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_lt_orders_update AFTER UPDATE ON lt_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_lt_orders_delete AFTER DELETE ON lt_orders
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_fills_insert AFTER INSERT ON fills
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_fills_update AFTER UPDATE ON fills
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_fills_delete AFTER DELETE ON fills
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_quality_insert AFTER INSERT ON lt_execution_quality
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_quality_update AFTER UPDATE ON lt_execution_quality
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();
CREATE TRIGGER lt_read_quality_delete AFTER DELETE ON lt_execution_quality
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_read_mark();

-- The marks' and the summary's lookups: a token's last trade (the gap's mark without a market price) and a token's
-- market, by index rather than by a pass over the condition's trades or over every market
DROP INDEX source_trades_condition;
CREATE INDEX source_trades_condition_asset ON source_trades (condition_id, asset, trade_time);
CREATE INDEX markets_token_ids ON markets USING gin (clob_token_ids);

-- lt_disposition_counts: per strategy and rule ('ordered' for the ordered ones) how many signal dispositions it has;
-- kept by statement triggers as ledger_sums is: each statement's added rows counted up, its removed rows down
CREATE TABLE lt_disposition_counts (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  rule        TEXT NOT NULL,
  n           BIGINT NOT NULL,
  PRIMARY KEY (user_id, strategy_id, rule)
);

CREATE FUNCTION lt_disposition_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO lt_disposition_counts AS s (user_id, strategy_id, rule, n)
    SELECT user_id, strategy_id, coalesce(rule, 'ordered'), count(*) FROM added GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (user_id, strategy_id, rule) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO lt_disposition_counts AS s (user_id, strategy_id, rule, n)
    SELECT user_id, strategy_id, coalesce(rule, 'ordered'), -count(*) FROM removed GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (user_id, strategy_id, rule) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSE
    INSERT INTO lt_disposition_counts AS s (user_id, strategy_id, rule, n)
    SELECT user_id, strategy_id, rule, sum(n) FROM (
        SELECT user_id, strategy_id, coalesce(rule, 'ordered') AS rule, 1 AS n FROM added
        UNION ALL SELECT user_id, strategy_id, coalesce(rule, 'ordered'), -1 FROM removed) x
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (user_id, strategy_id, rule) DO UPDATE SET n = s.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER lt_disposition_counts_insert AFTER INSERT ON lt_dispositions
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lt_disposition_count();
CREATE TRIGGER lt_disposition_counts_update AFTER UPDATE ON lt_dispositions
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lt_disposition_count();
CREATE TRIGGER lt_disposition_counts_delete AFTER DELETE ON lt_dispositions
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION lt_disposition_count();

-- The backfill: the dispositions made before this migration
INSERT INTO lt_disposition_counts (user_id, strategy_id, rule, n)
SELECT user_id, strategy_id, coalesce(rule, 'ordered'), count(*) FROM lt_dispositions GROUP BY 1, 2, 3;
