SET lock_timeout = '2s';

-- expect: unbatched-backfill:1
UPDATE users SET plan = 'free' WHERE plan = 'trial';

ALTER TABLE orders ADD COLUMN currency text;
-- expect: slow-statement-under-exclusive-lock:1 (folds unbatched-backfill)
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;

-- expect: unbatched-backfill:1
UPDATE payments SET status = 'expired' WHERE created_at < '2020-01-01';

-- Safe: key-range batches.
UPDATE users SET plan = 'free' WHERE plan = 'trial' AND id >= 1 AND id < 10001;
UPDATE users SET plan = 'free' WHERE plan = 'trial' AND id BETWEEN 10001 AND 20000;
-- Safe: a LIMIT batch.
UPDATE orders SET currency = 'EUR'
WHERE id IN (SELECT id FROM orders WHERE currency IS NULL LIMIT 1000);
-- Safe: targeted fixes of named rows.
UPDATE users SET plan = 'free' WHERE id = 42;
UPDATE users SET plan = 'free' WHERE id IN (1, 2, 3);
-- Safe: a table created earlier in this migration.
CREATE TABLE imports (id bigint, state text);
UPDATE imports SET state = 'new' WHERE state IS NULL;

-- A bound inside an OR, a NOT IN, or a join on id names no batch.
-- expect: unbatched-backfill:1
UPDATE users SET plan = 'free' WHERE plan = 'trial' OR id = 42;
-- expect: unbatched-backfill:1
UPDATE users SET plan = 'free' WHERE id NOT IN (1, 2);
-- expect: slow-statement-under-exclusive-lock:1 (folds unbatched-backfill)
UPDATE orders o SET currency = u.currency FROM users u WHERE o.user_id = u.id;

-- fixture: migration
SET lock_timeout = '2s';
CREATE TABLE settings (key text PRIMARY KEY, value text);
CREATE TABLE prices (region text, sku text, amount numeric, UNIQUE (region, sku));
CREATE TABLE tags (id bigint, label text);

-- fixture: migration
SET lock_timeout = '2s';
-- Safe: the rows named by the primary key (not called id), or by every column of a unique key.
UPDATE settings SET value = 'on' WHERE key = 'dark_mode';
UPDATE prices SET amount = 10 WHERE region = 'eu' AND sku = 'A-1';
-- Part of a unique key names no single row.
-- expect: unbatched-backfill:1
UPDATE prices SET amount = 10 WHERE region = 'eu';
-- On a table the model knows, `id` counts only when it is a key.
-- expect: unbatched-backfill:1
UPDATE tags SET label = 'x' WHERE id = 1;
-- Safe: Alembic's offline script moving its version row.
UPDATE alembic_version SET version_num='4e2d1c' WHERE alembic_version.version_num = '9a8b7c';
