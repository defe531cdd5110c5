DROP INDEX accounts_phone_idx
ALTER TABLE accounts DROP COLUMN phone;
