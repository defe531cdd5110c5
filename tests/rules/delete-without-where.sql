SET lock_timeout = '2s';

-- expect: delete-without-where:1
DELETE FROM sessions;

-- expect: delete-without-where:1
DELETE FROM app.audit_log USING app.users;

-- Safe: a WHERE clause, in batches.
DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 1000);
-- Safe: a table created earlier in this migration.
CREATE TABLE staging_rows (id bigint);
DELETE FROM staging_rows;
