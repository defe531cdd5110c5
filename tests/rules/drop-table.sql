SET lock_timeout = '2s';

-- expect: drop-table:1
DROP TABLE legacy_sessions;

-- expect: drop-table:1
DROP TABLE IF EXISTS app.audit_2019, audit_2020 CASCADE;

-- Safe: a table created earlier in the same migration.
CREATE TABLE scratch (id int);
DROP TABLE scratch;
