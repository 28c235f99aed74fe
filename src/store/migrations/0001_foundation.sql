-- Foundation: users, markets, source trades, FT strategies and their paper orders, trader statistics,
-- skip counters and job runs. Money is NUMERIC(20,6) (USDC), prices and ratios NUMERIC(12,6).
-- Written for PostgreSQL 15 (the oldest server we support) and PGlite alike.

CREATE TABLE users (
  user_id     UUID PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE markets (
  condition_id      TEXT PRIMARY KEY,
  question          TEXT NOT NULL DEFAULT '',
  slug              TEXT NOT NULL DEFAULT '',
  event_slug        TEXT,
  outcomes          TEXT[] NOT NULL,
  clob_token_ids    TEXT[] NOT NULL,
  tags              TEXT[] NOT NULL DEFAULT '{}',
  tick_size         NUMERIC(12,6),
  min_size          NUMERIC(20,6),
  neg_risk          BOOLEAN NOT NULL DEFAULT false,
  closed            BOOLEAN NOT NULL DEFAULT false,
  accepting_orders  BOOLEAN,
  end_time          TIMESTAMPTZ,
  game_start_time   TIMESTAMPTZ,
  closed_time       TIMESTAMPTZ,
  resolution_status TEXT,
  outcome_prices    NUMERIC(12,6)[],
  -- Set once, when Tandem first sees the market final (closed with a payout vector)
  winner            TEXT,
  resolved_at       TIMESTAMPTZ,
  source            TEXT NOT NULL,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (cardinality(outcomes) = cardinality(clob_token_ids))
);

CREATE TABLE source_trades (
  trade_key        TEXT PRIMARY KEY,
  trader           TEXT NOT NULL,
  side             TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  asset            TEXT NOT NULL,
  condition_id     TEXT NOT NULL REFERENCES markets (condition_id),
  size             NUMERIC(20,6) NOT NULL CHECK (size > 0),
  price            NUMERIC(12,6) NOT NULL CHECK (price > 0 AND price < 1),
  usd              NUMERIC(20,6) NOT NULL,
  trade_time       TIMESTAMPTZ NOT NULL,
  title            TEXT NOT NULL DEFAULT '',
  slug             TEXT NOT NULL DEFAULT '',
  event_slug       TEXT NOT NULL DEFAULT '',
  outcome          TEXT NOT NULL DEFAULT '',
  outcome_index    INT,
  transaction_hash TEXT NOT NULL,
  source           TEXT NOT NULL,
  ingested_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX source_trades_trader_asset ON source_trades (trader, asset, trade_time);
CREATE INDEX source_trades_condition ON source_trades (condition_id);
CREATE INDEX source_trades_time ON source_trades (trade_time);

-- Traders we fetch besides the strategies' targets (operator list or leaderboard discovery)
CREATE TABLE followed_traders (
  address   TEXT PRIMARY KEY CHECK (address = lower(address)),
  source    TEXT NOT NULL CHECK (source IN ('manual', 'leaderboard')),
  added_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE ft_wallets (
  wallet_id                 TEXT PRIMARY KEY,
  config_id                 TEXT NOT NULL,
  display_name              TEXT NOT NULL,
  description               TEXT NOT NULL DEFAULT '',
  detailed_description      TEXT NOT NULL DEFAULT '',
  starting_balance          NUMERIC(20,6) NOT NULL DEFAULT 1000 CHECK (starting_balance >= 0),
  use_model                 BOOLEAN NOT NULL DEFAULT true,
  model_threshold           NUMERIC(12,6) CHECK (model_threshold BETWEEN 0 AND 1),
  price_min                 NUMERIC(12,6) DEFAULT 0 CHECK (price_min BETWEEN 0 AND 1),
  price_max                 NUMERIC(12,6) DEFAULT 1 CHECK (price_max BETWEEN 0 AND 1),
  min_edge                  NUMERIC(12,6) DEFAULT 0,
  max_edge                  NUMERIC(12,6),
  bet_size                  NUMERIC(20,6) NOT NULL DEFAULT 1.20 CHECK (bet_size >= 0),
  bet_allocation_weight     NUMERIC(12,6) NOT NULL DEFAULT 1 CHECK (bet_allocation_weight >= 0),
  allocation_method         TEXT NOT NULL DEFAULT 'FIXED' CHECK (allocation_method IN
    ('FIXED', 'KELLY', 'EDGE_SCALED', 'TIERED', 'CONFIDENCE', 'CONVICTION', 'ML_SCALED', 'WHALE')),
  kelly_fraction            NUMERIC(12,6) NOT NULL DEFAULT 0.25 CHECK (kelly_fraction BETWEEN 0 AND 1),
  min_bet                   NUMERIC(20,6) DEFAULT 0.50 CHECK (min_bet >= 0),
  max_bet                   NUMERIC(20,6) DEFAULT 10 CHECK (max_bet >= 0),
  min_trader_resolved_count INT DEFAULT 30 CHECK (min_trader_resolved_count >= 0),
  min_trader_win_rate       NUMERIC(12,6),
  max_trader_win_rate       NUMERIC(12,6),
  min_conviction            NUMERIC(12,6) DEFAULT 0,
  max_conviction            NUMERIC(12,6),
  market_categories         TEXT[],
  exclude_market_keywords   TEXT[],
  min_original_trade_usd    NUMERIC(20,6),
  max_original_trade_usd    NUMERIC(20,6),
  target_traders            TEXT[] NOT NULL DEFAULT '{}',
  target_trader_name        TEXT,
  trade_live_only           BOOLEAN NOT NULL DEFAULT false,
  bypass_filters            BOOLEAN NOT NULL DEFAULT false,
  -- Kept from the original schema; validation refuses values nothing could honour
  bet_structures            TEXT[] CHECK (bet_structures IS NULL),
  wr_source                 TEXT NOT NULL DEFAULT 'GLOBAL' CHECK (wr_source = 'GLOBAL'),
  thesis_tier               TEXT,
  hypothesis                TEXT,
  dead_market_guard         BOOLEAN NOT NULL DEFAULT true,
  dead_market_floor         NUMERIC(12,6) NOT NULL DEFAULT 0.04,
  dead_market_max_drift_pct NUMERIC(12,6) NOT NULL DEFAULT 80,
  start_date                TIMESTAMPTZ NOT NULL DEFAULT now(),
  end_date                  TIMESTAMPTZ,
  -- When the engine last evaluated trades for this wallet (informational; dedupe makes it safe)
  last_sync_time            TIMESTAMPTZ,
  is_active                 BOOLEAN NOT NULL DEFAULT true,
  created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (price_min IS NULL OR price_max IS NULL OR price_min <= price_max),
  CHECK (min_bet IS NULL OR max_bet IS NULL OR min_bet <= max_bet)
);

CREATE TABLE ft_orders (
  order_id              UUID PRIMARY KEY,
  wallet_id             TEXT NOT NULL REFERENCES ft_wallets (wallet_id),
  order_type            TEXT NOT NULL DEFAULT 'FT' CHECK (order_type = 'FT'),
  -- Only a BUY opens a paper position; the trader's SELLs close it (ft_closes)
  side                  TEXT NOT NULL DEFAULT 'BUY' CHECK (side = 'BUY'),
  condition_id          TEXT NOT NULL REFERENCES markets (condition_id),
  asset                 TEXT NOT NULL,
  token_label           TEXT NOT NULL,
  market_slug           TEXT NOT NULL DEFAULT '',
  market_title          TEXT NOT NULL DEFAULT '',
  source_trade_id       TEXT NOT NULL REFERENCES source_trades (trade_key),
  trader_address        TEXT NOT NULL,
  trader_price          NUMERIC(12,6) NOT NULL,
  entry_price           NUMERIC(12,6) NOT NULL CHECK (entry_price > 0 AND entry_price < 1),
  size                  NUMERIC(20,6) NOT NULL CHECK (size > 0),
  shares                NUMERIC(20,6) NOT NULL CHECK (shares > 0),
  open_shares           NUMERIC(20,6) NOT NULL CHECK (open_shares >= 0 AND open_shares <= shares),
  open_cost             NUMERIC(20,6) NOT NULL CHECK (open_cost >= 0 AND open_cost <= size),
  market_end_time       TIMESTAMPTZ,
  trader_win_rate       NUMERIC(12,6),
  trader_resolved_count INT,
  model_probability     NUMERIC(12,6),
  edge_pct              NUMERIC(12,6),
  conviction            NUMERIC(20,6),
  outcome               TEXT NOT NULL DEFAULT 'OPEN' CHECK (outcome IN ('OPEN', 'WON', 'LOST', 'SOLD', 'VOID')),
  winning_label         TEXT,
  -- Realized so far: exits while open, the total once closed
  pnl                   NUMERIC(20,6) NOT NULL DEFAULT 0,
  exit_price            NUMERIC(12,6),
  close_reason          TEXT CHECK (close_reason IN ('trader_sell', 'resolved')),
  order_time            TIMESTAMPTZ NOT NULL,
  resolved_time         TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (wallet_id, source_trade_id),
  CHECK ((outcome = 'OPEN') = (open_shares > 0))
);
CREATE INDEX ft_orders_wallet_outcome ON ft_orders (wallet_id, outcome);
CREATE INDEX ft_orders_wallet_time ON ft_orders (wallet_id, order_time DESC);
CREATE INDEX ft_orders_condition ON ft_orders (condition_id) WHERE outcome = 'OPEN';
CREATE INDEX ft_orders_trader_asset ON ft_orders (trader_address, asset) WHERE outcome = 'OPEN';

-- Every close of a paper order: an exit that follows the trader's sell, or the market's settlement
CREATE TABLE ft_closes (
  close_id        UUID PRIMARY KEY,
  order_id        UUID NOT NULL REFERENCES ft_orders (order_id),
  wallet_id       TEXT NOT NULL REFERENCES ft_wallets (wallet_id),
  kind            TEXT NOT NULL CHECK (kind IN ('exit', 'settlement')),
  source_trade_id TEXT REFERENCES source_trades (trade_key),
  shares          NUMERIC(20,6) NOT NULL CHECK (shares > 0),
  price           NUMERIC(12,6) NOT NULL CHECK (price >= 0 AND price <= 1),
  proceeds        NUMERIC(20,6) NOT NULL,
  cost_basis      NUMERIC(20,6) NOT NULL,
  pnl             NUMERIC(20,6) NOT NULL,
  closed_at       TIMESTAMPTZ NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((kind = 'exit') = (source_trade_id IS NOT NULL))
);
CREATE UNIQUE INDEX ft_closes_exit_once ON ft_closes (order_id, source_trade_id) WHERE kind = 'exit';
CREATE UNIQUE INDEX ft_closes_settle_once ON ft_closes (order_id) WHERE kind = 'settlement';
CREATE INDEX ft_closes_wallet ON ft_closes (wallet_id);

-- One disposition per (strategy, evaluated trade): taken, skipped with its reason, or an exit
CREATE TABLE ft_dispositions (
  wallet_id    TEXT NOT NULL REFERENCES ft_wallets (wallet_id),
  trade_key    TEXT NOT NULL REFERENCES source_trades (trade_key),
  disposition  TEXT NOT NULL CHECK (disposition IN ('taken', 'skipped', 'exit')),
  reason       TEXT,
  evaluated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (wallet_id, trade_key),
  CHECK ((disposition = 'skipped') = (reason IS NOT NULL))
);

CREATE TABLE ft_skip_counts (
  wallet_id TEXT NOT NULL REFERENCES ft_wallets (wallet_id),
  hour      TIMESTAMPTZ NOT NULL,
  reason    TEXT NOT NULL,
  count     INT NOT NULL CHECK (count > 0),
  PRIMARY KEY (wallet_id, hour, reason)
);

-- Input records refused at ingestion, counted by source, reason and hour
CREATE TABLE ingest_rejects (
  hour   TIMESTAMPTZ NOT NULL,
  source TEXT NOT NULL,
  reason TEXT NOT NULL,
  count  INT NOT NULL CHECK (count > 0),
  PRIMARY KEY (hour, source, reason)
);

-- Computed by Tandem from resolved history it has seen (or imported); see docs/architecture.md
CREATE TABLE trader_stats (
  trader         TEXT PRIMARY KEY,
  window_days    INT NOT NULL,
  wins           INT NOT NULL,
  resolved_count INT NOT NULL,
  win_rate       NUMERIC(12,6),
  trade_count    INT NOT NULL,
  avg_trade_usd  NUMERIC(20,6),
  source         TEXT NOT NULL CHECK (source IN ('computed', 'imported')),
  computed_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE job_runs (
  run_id      UUID PRIMARY KEY,
  job         TEXT NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
  detail      JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX job_runs_job_time ON job_runs (job, started_at DESC);
