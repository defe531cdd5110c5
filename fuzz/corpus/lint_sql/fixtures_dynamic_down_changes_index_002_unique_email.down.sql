DROP INDEX accounts_email_idx;
CREATE INDEX accounts_email_idx ON accounts (lower(email));
