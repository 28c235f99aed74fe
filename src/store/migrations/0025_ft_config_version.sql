-- The version of each FT strategy's configuration: raised by every UPDATE that changes anything but the row's sync
-- bookkeeping (last_sync_time, updated_at), whoever writes it. The LT executor keeps the configuration it read for as
-- long as the version it reads with the launched strategies stands (src/engine/lt-ft-config.ts), instead of reading
-- the configuration again for every strategy with a signal in every run
ALTER TABLE ft_wallets ADD COLUMN config_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION ft_config_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bookkeeping CONSTANT text[] := ARRAY['last_sync_time', 'updated_at', 'config_version'];
BEGIN
  -- Set here only: a writer cannot move it back (or keep it) by writing the column
  NEW.config_version := OLD.config_version
    + CASE WHEN to_jsonb(NEW) - bookkeeping IS DISTINCT FROM to_jsonb(OLD) - bookkeeping THEN 1 ELSE 0 END;
  RETURN NEW;
END $$;

CREATE TRIGGER ft_config_version BEFORE UPDATE ON ft_wallets FOR EACH ROW EXECUTE FUNCTION ft_config_version_bump();
