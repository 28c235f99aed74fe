-- The LT executor reads only the FT orders and exits recorded since its window opened (src/engine/lt-signals.ts):
-- by wallet and created_at, so a pass reads what is new rather than every signal since launch
CREATE INDEX ft_orders_wallet_created ON ft_orders (wallet_id, created_at);
CREATE INDEX ft_closes_exit_created ON ft_closes (wallet_id, created_at) WHERE kind = 'exit';
