DROP TRIGGER accounts_touch ON accounts;
DROP FUNCTION touch();
DROP VIEW pro_accounts;
ALTER TABLE accounts DROP COLUMN tier;
DROP TYPE plan_tier;
