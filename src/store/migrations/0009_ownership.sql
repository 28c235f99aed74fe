-- Ownership (issue 12): users have a role; FT strategies have an owner.
-- An operator runs the global jobs and reads the system-wide views; a plain user sees only their own work.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'operator'));

-- An existing installation's first user is the one `tandem start` created for the operator
UPDATE users SET role = 'operator' WHERE user_id = (SELECT user_id FROM users ORDER BY created_at, user_id LIMIT 1);

-- NULL: the catalogue (demo and seeded strategies), readable by every user, writable by an operator only.
-- Otherwise the strategy is its owner's: any other plain user reads and writes it as if it did not exist
ALTER TABLE ft_wallets ADD COLUMN owner_user_id UUID NULL REFERENCES users (user_id);
CREATE INDEX ft_wallets_owner ON ft_wallets (owner_user_id);
