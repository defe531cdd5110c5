CREATE INDEX accounts_email_idx ON accounts (email);
UPDATE accounts SET name = upper(name);
