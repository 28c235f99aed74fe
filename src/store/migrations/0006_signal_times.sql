-- Signal times (issue 10, item 1). A source trade now records when Tandem received it (`detected_at`: the RTDS frame's
-- arrival or the Data API poll's answer, on Tandem's clock), besides the trader's fill (`trade_time`) and the row's
-- commit (`ingested_at`). The first arrival wins: a later copy of the same trade from the other source is a duplicate.
-- Trades stored before this migration, and trades read from recorded files, have no detection time (NULL).
ALTER TABLE source_trades ADD COLUMN detected_at TIMESTAMPTZ;

-- Per LT order, the quality projection keeps all four times of the signal path: the trader's fill, our detection of it,
-- FT's signal, and our submit (signal_at and submitted_at exist already)
ALTER TABLE lt_execution_quality
  ADD COLUMN source_trade_at TIMESTAMPTZ,
  ADD COLUMN detected_at     TIMESTAMPTZ;

-- Existing quality rows take the trade time from their order (no detection time was recorded before this)
UPDATE lt_execution_quality q SET source_trade_at = o.source_trade_at FROM orders o WHERE o.order_id = q.order_id;
