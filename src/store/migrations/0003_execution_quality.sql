-- Execution quality and alerts. One row per LT order with the seed's metrics (PRODUCT.md section 6),
-- recomputed from `orders` and `fills` whenever the order fills or ends, by the one metrics module
-- (src/domain/metrics). A metric with no sample (no fill, never submitted) is NULL, never zero.

CREATE TABLE lt_execution_quality (
  order_id               UUID PRIMARY KEY REFERENCES orders (order_id),
  user_id                UUID NOT NULL,
  strategy_id            TEXT NOT NULL,
  condition_id           TEXT NOT NULL,
  token_id               TEXT NOT NULL,
  side                   TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  order_type             TEXT NOT NULL,
  status                 TEXT NOT NULL,
  is_shadow              BOOLEAN NOT NULL,
  -- The book and the estimate at intent
  expected_price         NUMERIC(12,6),
  best_bid               NUMERIC(12,6),
  best_ask               NUMERIC(12,6),
  mid_price              NUMERIC(12,6),
  spread                 NUMERIC(12,6),
  tick_size              NUMERIC(12,6),
  signal_price           NUMERIC(12,6) NOT NULL,
  -- FT's paper price for the same signal: its entry price, or the exit's price
  ft_price               NUMERIC(12,6),
  -- What happened: VWAP of our own fill legs, fees in USD
  executed_price         NUMERIC(12,6),
  intended_shares        NUMERIC(20,6) NOT NULL,
  filled_shares          NUMERIC(20,6) NOT NULL,
  intended_usd           NUMERIC(20,6) NOT NULL,
  filled_usd             NUMERIC(20,6) NOT NULL,
  fees_usd               NUMERIC(20,6) NOT NULL,
  fill_rate              NUMERIC(12,6) NOT NULL,
  fill_rate_usd          NUMERIC(12,6),
  partial_fill_count     INT NOT NULL,
  -- Signed so that positive is worse: s·(x − reference)/reference in percent, and in cents and ticks
  expected_slippage_pct  NUMERIC(14,6),
  signal_slippage_pct    NUMERIC(14,6),
  signal_slippage_cents  NUMERIC(14,6),
  ft_slippage_pct        NUMERIC(14,6),
  ft_slippage_cents      NUMERIC(14,6),
  mid_slippage_pct       NUMERIC(14,6),
  mid_slippage_cents     NUMERIC(14,6),
  mid_slippage_ticks     NUMERIC(14,6),
  -- Latencies in milliseconds
  order_latency_ms       BIGINT,
  fill_latency_ms        BIGINT,
  detection_latency_ms   BIGINT,
  -- The composite score 0–100, its weighting version and its components (always returned beside it)
  quality_score          NUMERIC(8,2),
  quality_version        TEXT NOT NULL,
  quality_components     JSONB NOT NULL,
  -- When: the FT signal, the submit (order placed) and the first fill
  signal_at              TIMESTAMPTZ,
  submitted_at           TIMESTAMPTZ,
  first_fill_at          TIMESTAMPTZ,
  computed_at            TIMESTAMPTZ NOT NULL,
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id)
);
CREATE INDEX lt_execution_quality_strategy ON lt_execution_quality (user_id, strategy_id, signal_at DESC);

-- Alerts: one row per firing; a condition (kind, key) fires again only after its cool-down. Delivery to the
-- webhook is an outbox: undelivered rows are retried by the alerts job
CREATE TABLE lt_alerts (
  alert_id      UUID PRIMARY KEY,
  -- NULL for system alerts (scheduler, feeds), which every operator sees
  user_id       UUID REFERENCES users (user_id),
  strategy_id   TEXT,
  kind          TEXT NOT NULL,
  dedupe_key    TEXT NOT NULL,
  severity      TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  message       TEXT NOT NULL,
  detail        JSONB NOT NULL DEFAULT '{}',
  fired_at      TIMESTAMPTZ NOT NULL,
  -- Firings of the same condition suppressed by the cool-down after this one
  suppressed    INT NOT NULL DEFAULT 0,
  last_seen_at  TIMESTAMPTZ NOT NULL,
  delivery      TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'failed', 'disabled')),
  attempts      INT NOT NULL DEFAULT 0,
  delivered_at  TIMESTAMPTZ,
  last_error    TEXT
);
CREATE INDEX lt_alerts_key ON lt_alerts (dedupe_key, fired_at DESC);
CREATE INDEX lt_alerts_user ON lt_alerts (user_id, fired_at DESC);
CREATE INDEX lt_alerts_pending ON lt_alerts (fired_at) WHERE delivery = 'pending';
