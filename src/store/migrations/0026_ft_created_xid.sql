-- Which transaction recorded each FT order and exit: the LT executor's signal window (src/engine/lt-signals.ts) opens
-- at a transaction id rather than at a time. Each signal page reads its snapshot's xmin (every transaction below it had
-- ended, so their rows were there to read); a row recorded by any transaction that ends later has created_xid at or
-- above it, whenever that transaction began and whatever the clocks said. The window then needs no clock margin, and
-- no read of pg_stat_activity (which shows only the sessions of the same role). The xmin is the whole server's: a
-- transaction left open in another database holds windows back (more rows read again, none missed). The top-level
-- transaction id as a bigint (xid8 is 64 bits with its epoch; it will not reach 2^63), so that a range over it can be
-- bounded above (src/store/lt-signal-store.ts).
--
-- Existing rows take 0 (a constant default, so neither table is rewritten): below every window, read by the full read
-- every process starts with. Only then does the column default to the writing transaction's id
ALTER TABLE ft_orders ADD COLUMN created_xid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ft_orders ALTER COLUMN created_xid SET DEFAULT (pg_current_xact_id()::text::bigint);
ALTER TABLE ft_closes ADD COLUMN created_xid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ft_closes ALTER COLUMN created_xid SET DEFAULT (pg_current_xact_id()::text::bigint);

-- The window's reads, by wallet and transaction id, in place of migration 0013's by wallet and created_at
DROP INDEX ft_orders_wallet_created;
DROP INDEX ft_closes_exit_created;
CREATE INDEX ft_orders_wallet_xid ON ft_orders (wallet_id, created_xid);
CREATE INDEX ft_closes_exit_xid ON ft_closes (wallet_id, created_xid) WHERE kind = 'exit';
