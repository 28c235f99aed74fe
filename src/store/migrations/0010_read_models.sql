-- Read models kept with the writes (issue 13): what the dashboard would otherwise recompute from every row per call.
--
-- ledger_sums: per (strategy, book, kind) the sum of amounts and of cost bases (NULL as 0) and the count of entries
-- of ledger_entries, which is what every balance folds (src/domain/ledger.ts). A statement trigger adds each
-- statement's new entries in the same transaction (an entry skipped by ON CONFLICT DO NOTHING is not in the
-- transition table, so it adds nothing). The ledger is append-only (INV-20): changing or removing an entry is
-- refused, so the sums can never drift from the entries.
CREATE TABLE ledger_sums (
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  book        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  amount      NUMERIC NOT NULL,
  cost_basis  NUMERIC NOT NULL,
  entries     BIGINT NOT NULL,
  PRIMARY KEY (user_id, strategy_id, book, kind)
);

CREATE FUNCTION ledger_sums_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- ORDER BY: concurrent appends to one strategy lock its rows in one order
  INSERT INTO ledger_sums AS s (user_id, strategy_id, book, kind, amount, cost_basis, entries)
  SELECT user_id, strategy_id, book, kind, sum(amount), coalesce(sum(cost_basis), 0), count(*)
  FROM ledger_new GROUP BY user_id, strategy_id, book, kind ORDER BY user_id, strategy_id, book, kind
  ON CONFLICT (user_id, strategy_id, book, kind) DO UPDATE
    SET amount = s.amount + EXCLUDED.amount, cost_basis = s.cost_basis + EXCLUDED.cost_basis, entries = s.entries + EXCLUDED.entries;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_sums_on_append AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS ledger_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_sums_add();

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only (%)', TG_OP;
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- The backfill: the entries booked before this migration
INSERT INTO ledger_sums (user_id, strategy_id, book, kind, amount, cost_basis, entries)
SELECT user_id, strategy_id, book, kind, sum(amount), coalesce(sum(cost_basis), 0), count(*)
FROM ledger_entries GROUP BY user_id, strategy_id, book, kind;
