DROP INDEX accounts_email_idx;
CREATE UNIQUE INDEX accounts_email_idx ON accounts (lower(email));
