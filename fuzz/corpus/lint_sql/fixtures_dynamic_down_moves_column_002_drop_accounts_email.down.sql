ALTER TABLE accounts ADD COLUMN email text NOT NULL;
CREATE INDEX accounts_email_idx ON accounts (email);
