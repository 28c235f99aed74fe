-- Live trading: strategies that mirror an FT wallet with real orders, their order intents, the venue
-- orders (`orders`, the single source of truth for order state), our fill legs, an append-only capital
-- ledger (balances are sums of it), one disposition per (strategy, signal), and an operator audit log.
-- A strategy is scoped by its user: (user_id, strategy_id) with strategy_id = 'LT_' || ft_wallet_id.

CREATE TABLE lt_strategies (
  user_id                     UUID NOT NULL REFERENCES users (user_id),
  strategy_id                 TEXT NOT NULL,
  ft_wallet_id                TEXT NOT NULL REFERENCES ft_wallets (wallet_id),
  -- Live mirrors with real orders; shadow runs the same path against the real book without sending orders
  mode                        TEXT NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'shadow')),
  is_active                   BOOLEAN NOT NULL DEFAULT false,
  is_paused                   BOOLEAN NOT NULL DEFAULT false,
  pause_reason                TEXT,
  -- Set once, when the strategy first goes live; comparisons with FT start here
  launched_at                 TIMESTAMPTZ,
  starting_capital            NUMERIC(20,6) NOT NULL CHECK (starting_capital > 0),
  slippage_tolerance_pct      NUMERIC(8,4) NOT NULL DEFAULT 0.5 CHECK (slippage_tolerance_pct >= 0),
  order_type                  TEXT NOT NULL DEFAULT 'GTC' CHECK (order_type IN ('GTC', 'GTD', 'FOK', 'FAK')),
  -- How long a GTC/GTD order may rest before Tandem cancels it (GTD: its expiry); NULL = no limit
  order_ttl_seconds           INT CHECK (order_ttl_seconds > 0),
  min_order_usd               NUMERIC(20,6) DEFAULT 1.00 CHECK (min_order_usd >= 0),
  max_order_usd               NUMERIC(20,6) DEFAULT 100.00 CHECK (max_order_usd >= 0),
  max_position_per_market_usd NUMERIC(20,6) CHECK (max_position_per_market_usd >= 0),
  max_total_exposure_usd      NUMERIC(20,6) CHECK (max_total_exposure_usd >= 0),
  daily_budget_usd            NUMERIC(20,6) CHECK (daily_budget_usd >= 0),
  max_daily_loss_usd          NUMERIC(20,6) CHECK (max_daily_loss_usd >= 0),
  max_drawdown_pct            NUMERIC(8,4) CHECK (max_drawdown_pct > 0 AND max_drawdown_pct <= 100),
  -- A signal older than this (source trade → now) expires instead of ordering; NULL = no limit
  max_signal_age_seconds      INT DEFAULT 300 CHECK (max_signal_age_seconds > 0),
  latency_alert_ms            INT DEFAULT 2000 CHECK (latency_alert_ms > 0),
  -- Settlement proceeds wait this long (and for redemption) before they are spendable
  cooldown_seconds            INT NOT NULL DEFAULT 0 CHECK (cooldown_seconds >= 0),
  sync_ft_changes             BOOLEAN NOT NULL DEFAULT false,
  -- The Polymarket wallet that signs; several strategies may share one
  wallet_address              TEXT,
  -- High-water mark of equity; only ever raised
  peak_equity                 NUMERIC(20,6) NOT NULL,
  created_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, strategy_id),
  UNIQUE (user_id, ft_wallet_id),
  CHECK (strategy_id = 'LT_' || ft_wallet_id),
  CHECK (min_order_usd IS NULL OR max_order_usd IS NULL OR min_order_usd <= max_order_usd)
);

-- The venue orders: one row per order we ever meant to send, written before the venue call
CREATE TABLE orders (
  order_id          UUID PRIMARY KEY,
  venue             TEXT NOT NULL,
  -- Deterministic from (strategy, signal, leg); the venue order id is derived from the signed order
  client_order_id   TEXT NOT NULL UNIQUE,
  venue_order_id    TEXT UNIQUE,
  payload           JSONB,
  token_id          TEXT NOT NULL,
  condition_id      TEXT NOT NULL REFERENCES markets (condition_id),
  side              TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
  order_type        TEXT NOT NULL CHECK (order_type IN ('GTC', 'GTD', 'FOK', 'FAK')),
  limit_price       NUMERIC(12,6) NOT NULL CHECK (limit_price > 0 AND limit_price < 1),
  size              NUMERIC(20,6) NOT NULL CHECK (size > 0),
  filled_size       NUMERIC(20,6) NOT NULL DEFAULT 0 CHECK (filled_size >= 0),
  status            TEXT NOT NULL CHECK (status IN
    ('pending', 'unknown', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'lost')),
  is_shadow         BOOLEAN NOT NULL DEFAULT false,
  expires_at        TIMESTAMPTZ,
  cancel_requested_at TIMESTAMPTZ,
  reject_reason     TEXT,
  reject_text       TEXT,
  not_found_count   INT NOT NULL DEFAULT 0,
  last_checked_at   TIMESTAMPTZ,
  -- The seed's LT columns
  lt_user_id        UUID,
  lt_strategy_id    TEXT,
  lt_order_id       UUID,
  signal_price      NUMERIC(12,6),
  signal_size_usd   NUMERIC(20,6),
  -- Timestamps of PRODUCT.md section 6
  source_trade_at   TIMESTAMPTZ,
  signal_at         TIMESTAMPTZ,
  intent_at         TIMESTAMPTZ NOT NULL,
  submitted_at      TIMESTAMPTZ,
  acked_at          TIMESTAMPTZ,
  first_fill_at     TIMESTAMPTZ,
  last_fill_at      TIMESTAMPTZ,
  terminal_at       TIMESTAMPTZ,
  -- The book and the estimate at intent
  best_bid          NUMERIC(12,6),
  best_ask          NUMERIC(12,6),
  mid_price         NUMERIC(12,6),
  expected_vwap     NUMERIC(12,6),
  book_at_intent    JSONB,
  CHECK (filled_size <= size OR side = 'BUY'),
  FOREIGN KEY (lt_user_id, lt_strategy_id) REFERENCES lt_strategies (user_id, strategy_id)
);
CREATE INDEX orders_open ON orders (status) WHERE status IN ('pending', 'unknown', 'open', 'partially_filled', 'lost');
CREATE INDEX orders_strategy ON orders (lt_user_id, lt_strategy_id, intent_at DESC);

-- One per (strategy, FT signal, leg): the link between a paper order or exit and the live order
CREATE TABLE lt_orders (
  lt_order_id      UUID PRIMARY KEY,
  user_id          UUID NOT NULL,
  strategy_id      TEXT NOT NULL,
  order_id         UUID NOT NULL UNIQUE REFERENCES orders (order_id),
  ft_order_id      UUID NOT NULL REFERENCES ft_orders (order_id),
  -- 'entry', or 'exit:<ft close id>' for a sell that follows the trader's sell
  leg              TEXT NOT NULL,
  source_trade_id  TEXT NOT NULL,
  signal_price     NUMERIC(12,6) NOT NULL,
  executed_price   NUMERIC(12,6),
  slippage_pct     NUMERIC(12,6),
  fill_rate        NUMERIC(12,6),
  status           TEXT NOT NULL,
  outcome          TEXT NOT NULL DEFAULT 'OPEN' CHECK (outcome IN ('OPEN', 'WON', 'LOST', 'SOLD', 'VOID', 'NONE')),
  realized_pnl     NUMERIC(20,6),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (user_id, strategy_id, ft_order_id, leg),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id)
);

-- Our own fill legs, as the venue reported them; the only thing that moves shares
CREATE TABLE fills (
  order_id     UUID NOT NULL REFERENCES orders (order_id),
  fill_id      TEXT NOT NULL,
  price        NUMERIC(12,6) NOT NULL CHECK (price > 0 AND price < 1),
  size         NUMERIC(20,6) NOT NULL CHECK (size > 0),
  fee_asset    TEXT NOT NULL CHECK (fee_asset IN ('shares', 'usdc')),
  fee_amount   NUMERIC(20,6) NOT NULL CHECK (fee_amount >= 0),
  role         TEXT NOT NULL CHECK (role IN ('taker', 'maker')),
  venue_status TEXT NOT NULL,
  filled_at    TIMESTAMPTZ NOT NULL,
  booked_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, fill_id)
);

-- The append-only capital ledger; `ref` names the transition, so each one is booked once
CREATE TABLE ledger_entries (
  entry_id    UUID PRIMARY KEY,
  user_id     UUID NOT NULL,
  strategy_id TEXT NOT NULL,
  book        TEXT NOT NULL CHECK (book IN ('live', 'shadow')),
  kind        TEXT NOT NULL CHECK (kind IN
    ('deposit', 'withdrawal', 'reserve', 'release', 'buy_fill', 'sell_fill', 'fee', 'settlement', 'redemption')),
  amount      NUMERIC(20,6) NOT NULL CHECK (amount >= 0),
  cost_basis  NUMERIC(20,6),
  order_id    UUID REFERENCES orders (order_id),
  ref         TEXT NOT NULL,
  -- Settlement proceeds become redeemable (and spendable, after redemption) at this time
  available_at TIMESTAMPTZ,
  created_at  TIMESTAMPTZ NOT NULL,
  UNIQUE (user_id, strategy_id, book, kind, ref),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id)
);
CREATE INDEX ledger_strategy ON ledger_entries (user_id, strategy_id, book);

-- Exactly one per (strategy, signal): ordered, or skipped/expired with a structured reason
CREATE TABLE lt_dispositions (
  user_id      UUID NOT NULL,
  strategy_id  TEXT NOT NULL,
  ft_order_id  UUID NOT NULL REFERENCES ft_orders (order_id),
  leg          TEXT NOT NULL,
  disposition  TEXT NOT NULL CHECK (disposition IN ('ordered', 'skipped', 'expired')),
  rule         TEXT,
  limit_value  TEXT,
  observed     TEXT,
  detail       TEXT,
  decided_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, strategy_id, ft_order_id, leg),
  FOREIGN KEY (user_id, strategy_id) REFERENCES lt_strategies (user_id, strategy_id),
  CHECK ((disposition = 'ordered') = (rule IS NULL))
);

-- Operator commands (create, launch, pause, resume, settings, cancel, kill switch), never deleted
CREATE TABLE lt_audit (
  audit_id    UUID PRIMARY KEY,
  user_id     UUID NOT NULL REFERENCES users (user_id),
  strategy_id TEXT,
  command     TEXT NOT NULL,
  detail      JSONB NOT NULL DEFAULT '{}',
  at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX lt_audit_strategy ON lt_audit (user_id, strategy_id, at DESC);

-- Per-user kill switch: while set, no strategy of the user sends a new order
CREATE TABLE lt_kill_switch (
  user_id   UUID PRIMARY KEY REFERENCES users (user_id),
  engaged   BOOLEAN NOT NULL,
  reason    TEXT,
  set_at    TIMESTAMPTZ NOT NULL
);
