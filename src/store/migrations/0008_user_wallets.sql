-- Per-user wallets: a user links one or more Polymarket wallets. The secrets (private key, API secret and
-- passphrase) are stored only sealed (AES-256-GCM, src/store/secret-box.ts, bound to the user and address); the
-- rest is what the API lists. An address is linked by at most one user: its venue account is that user's alone.
CREATE TABLE user_wallets (
  user_id         UUID NOT NULL REFERENCES users (user_id),
  address         TEXT NOT NULL CHECK (address ~ '^0x[0-9a-f]{40}$'),
  label           TEXT,
  signature_type  SMALLINT NOT NULL CHECK (signature_type BETWEEN 0 AND 3),
  funder          TEXT CHECK (funder IS NULL OR funder ~ '^0x[0-9a-f]{40}$'),
  has_private_key BOOLEAN NOT NULL,
  api_key         TEXT,
  sealed_secrets  TEXT,
  linked_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, address),
  CHECK (signature_type = 0 OR funder IS NOT NULL),
  CHECK ((has_private_key OR api_key IS NOT NULL) = (sealed_secrets IS NOT NULL))
);
CREATE UNIQUE INDEX user_wallets_address ON user_wallets (address);
