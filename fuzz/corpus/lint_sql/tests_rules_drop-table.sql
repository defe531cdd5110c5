SET lock_timeout = '2s';

-- expect: drop-table
DROP TABLE legacy_sessions;

-- expect: drop-table, drop-table
DROP TABLE IF EXISTS app.audit_2019, audit_2020 CASCADE;

-- Safe: a table created earlier in the same migration.
CREATE TABLE scratch (id int);
DROP TABLE scratch;
