-- The since-launch gap's read model (issue 13, item 4): what gapSummary otherwise computes from every leg per call.
--
-- lt_gap_units: per (LT strategy, FT order since its launch) what the order's legs (its entry and exits) add to the
-- summary: counts, FT's side, and each figure's exact pico parts a, b and e (a + b·P_end at a mark, e at FT's own
-- price) as src/store/gap-summary-store.ts computes them. lt_gap_sums: those columns summed per token. A write to
-- anything a unit is computed from appends the unit to lt_gap_dirty (one trigger function, below); the next refresh
-- (src/store/gap-read-model.ts, under the strategy's advisory lock) recomputes the dirty units, subtracts their old
-- rows from the sums and adds the new ones. lt_gap_state says for which launch and book (live or shadow) the units were
-- built: when the strategy's differ, the refresh builds them all again.
--
-- lt_gap_dirty has no key: every write appends a row, so a write committed after a refresh's snapshot leaves a row that
-- refresh did not see (and did not delete), and the next refresh recomputes its unit from data that includes it
CREATE TABLE lt_gap_state (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  launched_at TIMESTAMPTZ NOT NULL,
  shadow      BOOLEAN NOT NULL,
  -- false from the moment the state is written until its units are built
  ready       BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, strategy_id),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id) ON DELETE CASCADE
);

CREATE TABLE lt_gap_dirty (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  ft_order_id UUID NOT NULL
);
CREATE INDEX lt_gap_dirty_strategy ON lt_gap_dirty (user_id, strategy_id);

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
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_gap_state (user_id, strategy_id) ON DELETE CASCADE
);

-- The same columns as lt_gap_units but the key, summed per token
CREATE TABLE lt_gap_sums (LIKE lt_gap_units INCLUDING DEFAULTS);
ALTER TABLE lt_gap_sums DROP COLUMN ft_order_id;
ALTER TABLE lt_gap_sums ADD PRIMARY KEY (user_id, strategy_id, token);
ALTER TABLE lt_gap_sums ADD FOREIGN KEY (user_id, strategy_id) REFERENCES lt_gap_state (user_id, strategy_id) ON DELETE CASCADE;

-- The one trigger function: the units a statement's rows (its transition table `changed`) or a row (NEW) touch, for
-- every strategy whose units are built. An FT order or close reaches the strategies that mirror its wallet since before
-- the order; a disposition or LT link names its unit; a fill, or a change to an order's figures the gap reads, reaches
-- it through the order's LT link (an order is written before its link, which marks the unit, and is never deleted
-- while linked). Row triggers fire only WHEN a column the gap reads changed, so the frequent updates of an order's
-- status or an FT order's open shares cost nothing here
CREATE FUNCTION lt_gap_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'ft_orders' THEN
    INSERT INTO lt_gap_dirty (user_id, strategy_id, ft_order_id)
    SELECT g.user_id, g.strategy_id, NEW.order_id FROM lt_strategies s
      JOIN lt_gap_state g ON g.user_id = s.user_id AND g.strategy_id = s.strategy_id
    WHERE s.ft_wallet_id = NEW.wallet_id AND NEW.order_time >= g.launched_at;
  ELSIF TG_LEVEL = 'ROW' THEN -- orders
    INSERT INTO lt_gap_dirty (user_id, strategy_id, ft_order_id)
    SELECT l.user_id, l.strategy_id, l.ft_order_id FROM lt_orders l
      JOIN lt_gap_state g ON g.user_id = l.user_id AND g.strategy_id = l.strategy_id WHERE l.order_id = NEW.order_id;
  ELSIF TG_TABLE_NAME = 'ft_orders' THEN
    INSERT INTO lt_gap_dirty (user_id, strategy_id, ft_order_id)
    SELECT g.user_id, g.strategy_id, c.order_id FROM changed c JOIN lt_strategies s ON s.ft_wallet_id = c.wallet_id
      JOIN lt_gap_state g ON g.user_id = s.user_id AND g.strategy_id = s.strategy_id WHERE c.order_time >= g.launched_at;
  ELSIF TG_TABLE_NAME = 'ft_closes' THEN
    INSERT INTO lt_gap_dirty (user_id, strategy_id, ft_order_id)
    SELECT g.user_id, g.strategy_id, o.order_id FROM changed c JOIN ft_orders o ON o.order_id = c.order_id
      JOIN lt_strategies s ON s.ft_wallet_id = o.wallet_id
      JOIN lt_gap_state g ON g.user_id = s.user_id AND g.strategy_id = s.strategy_id WHERE o.order_time >= g.launched_at;
  ELSIF TG_TABLE_NAME IN ('lt_dispositions', 'lt_orders') THEN
    INSERT INTO lt_gap_dirty (user_id, strategy_id, ft_order_id)
    SELECT c.user_id, c.strategy_id, c.ft_order_id FROM changed c
      JOIN lt_gap_state g ON g.user_id = c.user_id AND g.strategy_id = c.strategy_id;
  ELSE -- fills
    INSERT INTO lt_gap_dirty (user_id, strategy_id, ft_order_id)
    SELECT l.user_id, l.strategy_id, l.ft_order_id FROM changed c JOIN lt_orders l ON l.order_id = c.order_id
      JOIN lt_gap_state g ON g.user_id = l.user_id AND g.strategy_id = l.strategy_id;
  END IF;
  RETURN NULL;
END $$;

-- A trigger with a transition table has one event, so a table has one per event (a delete marks from the old rows)
CREATE TRIGGER lt_gap_ft_orders_insert AFTER INSERT ON ft_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_ft_orders_delete AFTER DELETE ON ft_orders
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_ft_orders_update AFTER UPDATE ON ft_orders FOR EACH ROW
  WHEN (OLD.shares IS DISTINCT FROM NEW.shares OR OLD.entry_price IS DISTINCT FROM NEW.entry_price
    OR OLD.size IS DISTINCT FROM NEW.size OR OLD.asset IS DISTINCT FROM NEW.asset OR OLD.outcome IS DISTINCT FROM NEW.outcome
    OR OLD.order_time IS DISTINCT FROM NEW.order_time OR OLD.wallet_id IS DISTINCT FROM NEW.wallet_id)
  EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_orders_update AFTER UPDATE ON orders FOR EACH ROW
  WHEN (OLD.size IS DISTINCT FROM NEW.size OR OLD.side IS DISTINCT FROM NEW.side OR OLD.is_shadow IS DISTINCT FROM NEW.is_shadow
    OR OLD.mid_price IS DISTINCT FROM NEW.mid_price OR OLD.best_bid IS DISTINCT FROM NEW.best_bid
    OR OLD.best_ask IS DISTINCT FROM NEW.best_ask)
  EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_ft_closes_insert AFTER INSERT ON ft_closes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_ft_closes_update AFTER UPDATE ON ft_closes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_ft_closes_delete AFTER DELETE ON ft_closes
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_dispositions_insert AFTER INSERT ON lt_dispositions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_dispositions_update AFTER UPDATE ON lt_dispositions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_dispositions_delete AFTER DELETE ON lt_dispositions
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_lt_orders_insert AFTER INSERT ON lt_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_lt_orders_update AFTER UPDATE ON lt_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_lt_orders_delete AFTER DELETE ON lt_orders
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_fills_insert AFTER INSERT ON fills
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_fills_update AFTER UPDATE ON fills
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
CREATE TRIGGER lt_gap_fills_delete AFTER DELETE ON fills
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lt_gap_mark();
