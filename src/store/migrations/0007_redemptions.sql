-- Redemption on chain as its own tracked state (issue 10 item 2). A settled winning position of the live book is
-- cash only once its tokens are redeemed on chain and the wallet's collateral shows it: one row per settled winning
-- position (entry order), written in the settlement's transaction, so its ledger `redemption` entry (ref
-- redeem:<order_id>) follows this row exactly. Positions of one market and wallet are redeemed by one transaction:
-- rows in flight together share tx_hash.
--   redeemable → redeeming (tx signed and recorded before it is sent) → redeemed (receipt confirmed, collateral in)
--   redeeming → failed (reverted, refused or paid short: retried at next_attempt_at with backoff, alerted)
-- A wallet this process cannot sign redemptions for (a proxy or Safe wallet without a relayer) leaves its rows
-- redeemable, and the lt-resolve job alerts what to redeem by hand.
CREATE TABLE lt_redemptions (
  order_id        UUID PRIMARY KEY,
  user_id         UUID NOT NULL,
  strategy_id     TEXT NOT NULL,
  condition_id    TEXT NOT NULL,
  token_id        TEXT NOT NULL,
  outcome_index   INTEGER NOT NULL CHECK (outcome_index >= 0),
  neg_risk        BOOLEAN NOT NULL,
  shares          NUMERIC(20,6) NOT NULL CHECK (shares > 0),
  -- The settlement's proceeds: what becomes available cash once redeemed
  amount          NUMERIC(20,6) NOT NULL CHECK (amount > 0),
  state           TEXT NOT NULL CHECK (state IN ('redeemable', 'redeeming', 'redeemed', 'failed')),
  wallet          TEXT,
  tx_hash         TEXT,
  -- The signed transaction, resent as is when a restart finds it unknown to the node
  tx_payload      JSONB,
  attempts        INTEGER NOT NULL DEFAULT 0,
  submitted_at    TIMESTAMPTZ,
  -- Not submitted before: the settlement's cooldown end at first, then the retry backoff
  next_attempt_at TIMESTAMPTZ NOT NULL,
  confirmed_at    TIMESTAMPTZ,
  collateral_in   NUMERIC(20,6),
  last_error      TEXT,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL,
  CHECK (state NOT IN ('redeeming', 'redeemed') OR tx_hash IS NOT NULL)
);
CREATE INDEX lt_redemptions_due ON lt_redemptions (state, next_attempt_at);
CREATE INDEX lt_redemptions_tx ON lt_redemptions (tx_hash) WHERE tx_hash IS NOT NULL;

-- Settlements of the live book booked before this migration and not yet redeemed: tracked from now on (they were
-- waiting for the cooldown's ledger-only redemption). Shares: proceeds / payout (exact for a winner paying 1)
INSERT INTO lt_redemptions (order_id, user_id, strategy_id, condition_id, token_id, outcome_index, neg_risk, shares,
  amount, state, next_attempt_at, created_at, updated_at)
SELECT s.order_id, s.user_id, s.strategy_id, o.condition_id, o.token_id, array_position(m.clob_token_ids, o.token_id) - 1,
  m.neg_risk, round(s.amount / m.outcome_prices[array_position(m.clob_token_ids, o.token_id)], 6), s.amount, 'redeemable',
  coalesce(s.available_at, s.created_at), s.created_at, s.created_at
FROM ledger_entries s JOIN orders o ON o.order_id = s.order_id JOIN markets m ON m.condition_id = o.condition_id
WHERE s.kind = 'settlement' AND s.book = 'live' AND s.amount > 0
  AND array_position(m.clob_token_ids, o.token_id) IS NOT NULL
  AND m.outcome_prices[array_position(m.clob_token_ids, o.token_id)] > 0
  AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.user_id = s.user_id AND r.strategy_id = s.strategy_id
    AND r.book = 'live' AND r.kind = 'redemption' AND r.ref = 'redeem:' || s.order_id);
