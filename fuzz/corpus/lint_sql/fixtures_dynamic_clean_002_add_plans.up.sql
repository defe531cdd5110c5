CREATE TYPE plan_tier AS ENUM ('free', 'pro');
ALTER TABLE accounts ADD COLUMN tier plan_tier NOT NULL DEFAULT 'free';
COMMENT ON COLUMN accounts.tier IS 'billing plan';
CREATE VIEW pro_accounts AS SELECT id, email FROM accounts WHERE tier = 'pro';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEW;
END
$$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
