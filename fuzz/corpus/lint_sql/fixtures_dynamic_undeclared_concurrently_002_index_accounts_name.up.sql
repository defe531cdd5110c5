SET lock_timeout = '3s';
CREATE INDEX CONCURRENTLY accounts_name_idx ON accounts (name);
