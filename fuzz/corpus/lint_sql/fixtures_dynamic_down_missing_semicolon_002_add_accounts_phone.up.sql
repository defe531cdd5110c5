ALTER TABLE accounts ADD COLUMN phone text;
CREATE INDEX accounts_phone_idx ON accounts (phone);
