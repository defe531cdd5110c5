-- The corpus of bench/compare_squawk.py: one case per concept of the rule catalog (issue 3).
--
-- `-- == <concept> | <group> | <description>` starts a concept. Under it:
--   `-- bad` / `-- safe`   the dangerous statement and the recommended way (a concept may have
--                          no safe version when there is none to write statically)
--   `-- setup`             statements that run first in the same migration; findings on them
--                          are not counted
--   options after bad/safe: `no-transaction` (the migration runs outside a transaction, as
--                          CONCURRENTLY needs), `no-timeouts` (leave out the lock_timeout and
--                          statement_timeout that every case otherwise sets first)
-- Every case becomes one goose migration after the base schema below, so the tables it uses
-- already exist (they are not "new" in the case's migration).

-- == base
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(255),
  plan text, newsletter boolean, phone text);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint,
  status text, total numeric(12, 2), currency text, note text);
CREATE VIEW order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
CREATE TABLE sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, expires_at timestamptz);
CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text);
CREATE TABLE measurements (at timestamptz NOT NULL, value float8, order_id bigint)
  PARTITION BY RANGE (at);
CREATE TABLE measurements_2023 PARTITION OF measurements
  FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2022 PARTITION OF measurements
  FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE bookings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, room int, during tstzrange);
CREATE TYPE order_status AS ENUM ('new', 'shipped');
CREATE SCHEMA billing;
CREATE INDEX orders_status_idx ON orders (status);
CREATE UNIQUE INDEX users_email_idx ON users (email);
CREATE INDEX measurements_order_idx ON measurements (order_id);
ALTER TABLE orders ADD CONSTRAINT orders_total_not_zero CHECK (total <> 0) NOT VALID;
CREATE TABLE measurements_2024 (at timestamptz NOT NULL, value float8, order_id bigint);
CREATE TABLE measurements_2025 (at timestamptz NOT NULL, value float8, order_id bigint,
  CONSTRAINT measurements_2025_bound CHECK (at >= '2025-01-01' AND at < '2026-01-01'));
CREATE MATERIALIZED VIEW user_order_totals AS
  SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX user_order_totals_user_idx ON user_order_totals (user_id);
CREATE TABLE shipments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state order_status);
CREATE DOMAIN positive_amount AS numeric(12, 2);
CREATE TABLE payments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  amount positive_amount);
CREATE TABLE settings (key text PRIMARY KEY, value text);
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL,
  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));

-- == create-index | Locks and rewrites | CREATE INDEX without CONCURRENTLY
-- bad
CREATE INDEX IF NOT EXISTS orders_user_idx ON orders (user_id);
-- safe no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_idx ON orders (user_id);

-- == drop-index | Locks and rewrites | DROP INDEX without CONCURRENTLY
-- bad
DROP INDEX IF EXISTS orders_status_idx;
-- safe no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;

-- == reindex | Locks and rewrites | REINDEX without CONCURRENTLY
-- bad no-transaction
REINDEX INDEX orders_status_idx;
-- safe no-transaction
REINDEX INDEX CONCURRENTLY orders_status_idx;

-- == detach-partition | Locks and rewrites | DETACH PARTITION without CONCURRENTLY
-- bad
ALTER TABLE measurements DETACH PARTITION measurements_2023;
-- safe no-transaction
ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;

-- == vacuum-full | Locks and rewrites | VACUUM FULL
-- bad no-transaction
VACUUM FULL orders;
-- safe no-transaction
VACUUM (ANALYZE) orders;

-- == cluster | Locks and rewrites | CLUSTER
-- bad
CLUSTER orders USING orders_pkey;

-- == lock-table | Locks and rewrites | LOCK TABLE
-- bad
LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;

-- == check-not-valid | Locks and rewrites | CHECK added without NOT VALID
-- bad
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
-- safe
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;

-- == fk-not-valid | Locks and rewrites | FOREIGN KEY added without NOT VALID
-- bad
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
-- safe
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

-- == validate-same-transaction | Locks and rewrites | VALIDATE in the transaction of its NOT VALID add
-- bad
-- setup
ALTER TABLE orders ADD CONSTRAINT orders_total_nonneg CHECK (total >= 0) NOT VALID;
-- check
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonneg;
-- safe
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_not_zero;

-- == set-not-null | Locks and rewrites | SET NOT NULL (safe: after a validated CHECK IS NOT NULL)
-- bad
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- safe
-- setup
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
-- check
ALTER TABLE users ALTER COLUMN email SET NOT NULL;

-- == add-required-column | Locks and rewrites | ADD COLUMN NOT NULL without a DEFAULT
-- bad
ALTER TABLE users ADD COLUMN country text NOT NULL;
-- safe
ALTER TABLE users ADD COLUMN country text NOT NULL DEFAULT 'unknown';

-- == volatile-default | Locks and rewrites | volatile DEFAULT (safe: a stable one, now())
-- bad
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
-- safe
ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();

-- == stored-generated-column | Locks and rewrites | stored generated column on an existing table
-- bad
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED;
-- safe
ALTER TABLE orders ADD COLUMN total_cents bigint;

-- == add-serial-column | Locks and rewrites | serial or identity column added to an existing table
-- bad
ALTER TABLE events ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
-- safe
ALTER TABLE events ADD COLUMN seq bigint;

-- == unique-without-index | Locks and rewrites | ADD UNIQUE / PRIMARY KEY without USING INDEX
-- bad
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
-- safe
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;

-- == exclusion-constraint | Locks and rewrites | exclusion constraint on an existing table
-- bad
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);

-- == column-type | Locks and rewrites | column type change (safe: binary-coercible varchar(n) to text)
-- bad
ALTER TABLE orders ALTER COLUMN status TYPE int USING status::int;
-- safe
ALTER TABLE users ALTER COLUMN email TYPE text;

-- == set-unlogged | Locks and rewrites | SET LOGGED / UNLOGGED
-- bad
ALTER TABLE events SET UNLOGGED;

-- == set-tablespace | Locks and rewrites | SET TABLESPACE
-- bad
ALTER TABLE events SET TABLESPACE pg_default;

-- == refresh-matview | Locks and rewrites | REFRESH MATERIALIZED VIEW without CONCURRENTLY
-- bad
REFRESH MATERIALIZED VIEW user_order_totals;
-- safe
REFRESH MATERIALIZED VIEW CONCURRENTLY user_order_totals;

-- == attach-partition | Locks and rewrites | ATTACH PARTITION without a CHECK proving the bound
-- bad
ALTER TABLE measurements ATTACH PARTITION measurements_2024
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- safe
ALTER TABLE measurements ATTACH PARTITION measurements_2025
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- == partitioned-index | Locks and rewrites | CREATE INDEX CONCURRENTLY on a partitioned table (safe: ON ONLY, then each partition)
-- bad no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS measurements_value_idx ON measurements (value);
-- safe no-transaction
CREATE INDEX IF NOT EXISTS measurements_value_idx ON ONLY measurements (value);
CREATE INDEX CONCURRENTLY IF NOT EXISTS measurements_2022_value_idx ON measurements_2022 (value);
ALTER INDEX measurements_value_idx ATTACH PARTITION measurements_2022_value_idx;

-- == partitioned-fk | Locks and rewrites | FOREIGN KEY on a partitioned table (safe: NOT VALID on each partition)
-- bad
ALTER TABLE measurements ADD CONSTRAINT measurements_order_fk FOREIGN KEY (order_id)
  REFERENCES orders (id);
-- safe
ALTER TABLE measurements_2022 ADD CONSTRAINT measurements_2022_order_fk FOREIGN KEY (order_id)
  REFERENCES orders (id) NOT VALID;

-- == domain-add-constraint | Locks and rewrites | constraint added to a domain in use (safe: a table CHECK NOT VALID)
-- bad
ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);
-- safe
ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount > 0) NOT VALID;

-- == index-after-exclusive | Locks and rewrites | CREATE INDEX in the transaction of an ACCESS EXCLUSIVE change
-- bad
-- setup
ALTER TABLE orders ADD COLUMN region text;
-- check
CREATE INDEX orders_region_idx ON orders (region);
-- safe no-transaction
-- setup
ALTER TABLE orders ADD COLUMN IF NOT EXISTS region text;
-- check
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_region_idx ON orders (region);

-- == alter-table-split | Locks and rewrites | several ALTER TABLE on one table that could be one (outside a transaction, each queues for the lock)
-- bad no-transaction
ALTER TABLE users ADD COLUMN first_name text;
ALTER TABLE users ADD COLUMN last_name text;
-- safe no-transaction
ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;

-- == under-exclusive-lock | Locks and rewrites | statement run while ACCESS EXCLUSIVE is held
-- bad
-- setup
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
-- check
SELECT count(*) FROM orders WHERE status = 'shipped';

-- == lock-timeout | Locks and rewrites | lock-taking statement before any lock_timeout
-- bad no-timeouts
ALTER TABLE users ADD COLUMN bio text;
-- safe
ALTER TABLE users ADD COLUMN bio text;

-- == fk-without-index | Locks and rewrites | foreign key whose columns have no index
-- bad
CREATE TABLE IF NOT EXISTS comments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint REFERENCES orders (id));
-- safe
CREATE TABLE IF NOT EXISTS comments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id bigint REFERENCES orders (id));
CREATE INDEX IF NOT EXISTS comments_order_id_idx ON comments (order_id);

-- == drop-table | Breaking changes | DROP TABLE
-- bad
DROP TABLE IF EXISTS sessions;

-- == drop-column | Breaking changes | DROP COLUMN
-- bad
ALTER TABLE users DROP COLUMN IF EXISTS phone;

-- == drop-schema | Breaking changes | DROP SCHEMA … CASCADE (safe: RESTRICT, fails unless empty)
-- bad
DROP SCHEMA IF EXISTS billing CASCADE;
-- safe
DROP SCHEMA IF EXISTS billing;

-- == drop-database | Breaking changes | DROP DATABASE
-- bad no-transaction
DROP DATABASE IF EXISTS analytics;

-- == drop-not-null | Breaking changes | DROP NOT NULL (safe: keep it, add a default)
-- bad
ALTER TABLE events ALTER COLUMN kind DROP NOT NULL;
-- safe
ALTER TABLE events ALTER COLUMN kind SET DEFAULT 'unknown';

-- == drop-constraint | Breaking changes | dropping a primary key or constraint
-- bad
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_pkey;

-- == rename-table | Breaking changes | RENAME TABLE
-- bad
ALTER TABLE events RENAME TO audit_events;

-- == rename-column | Breaking changes | RENAME COLUMN
-- bad
ALTER TABLE users RENAME COLUMN plan TO subscription;

-- == rename-schema | Breaking changes | RENAME SCHEMA
-- bad
ALTER SCHEMA billing RENAME TO invoicing;

-- == rename-enum-value | Breaking changes | RENAME an enum value (safe: ADD VALUE)
-- bad
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';
-- safe
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'dispatched';

-- == rename-new-enum-value | Breaking changes | RENAME VALUE (safe: on an enum the same migration created)
-- bad
ALTER TYPE order_status RENAME VALUE 'new' TO 'created';
-- safe
-- setup
CREATE TYPE ticket_state AS ENUM ('open', 'done');
-- check
ALTER TYPE ticket_state RENAME VALUE 'done' TO 'closed';

-- == new-enum-value-used | Breaking changes | a value added by ALTER TYPE … ADD VALUE used in the same transaction
-- bad
-- setup
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned';
-- check
UPDATE shipments SET state = 'returned' WHERE id = 1;
-- safe no-transaction
-- setup
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'returned';
-- check
UPDATE shipments SET state = 'returned' WHERE id = 1;

-- == truncate | Breaking changes | TRUNCATE (safe: batched DELETE)
-- bad
TRUNCATE sessions;
-- safe
DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 1000);

-- == truncate-cascade | Breaking changes | TRUNCATE … CASCADE
-- bad
TRUNCATE users CASCADE;

-- == view-dependency | Breaking changes | changing a column a view depends on
-- bad
ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2);

-- == delete-without-where | Data | DELETE of an existing table without WHERE
-- bad
DELETE FROM sessions;
-- safe
DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 1000);

-- == update-without-where | Data | UPDATE of an existing table without WHERE (safe: key range)
-- bad
UPDATE users SET newsletter = false;
-- safe
UPDATE users SET newsletter = false WHERE id >= 1 AND id < 10001;

-- == unbatched-backfill | Data | backfill UPDATE whose WHERE is no batch (safe: LIMIT batch)
-- bad
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;
-- safe
UPDATE orders SET currency = 'EUR' WHERE id IN (SELECT id FROM orders WHERE currency IS NULL LIMIT 1000);

-- == update-under-exclusive | Data | UPDATE of every row in the transaction of an ACCESS EXCLUSIVE change
-- bad
-- setup
ALTER TABLE orders ADD COLUMN stock int;
-- check
UPDATE orders SET stock = 10;
-- safe
UPDATE orders SET note = 'checked' WHERE id >= 1 AND id < 10001;

-- == backfill-by-key | Data | UPDATE whose WHERE names no key (safe: the primary key, not named id)
-- bad
UPDATE settings SET value = 'on' WHERE value = 'off';
-- safe
UPDATE settings SET value = 'on' WHERE key = 'dark_mode';

-- == history-table | Data | the migration tool's own version table (Alembic offline scripts)
-- bad
UPDATE users SET plan = 'free' WHERE plan = 'trial';
-- safe
UPDATE alembic_version SET version_num='4e2d1c' WHERE alembic_version.version_num = '9a8b7c';

-- == copy-program | Security | COPY … PROGRAM (safe: FROM STDIN)
-- bad
COPY users (email) FROM PROGRAM 'curl -s https://example.com/emails.csv';
-- safe
COPY users (email) FROM STDIN;

-- == copy-server-file | Security | COPY to or from a server file (safe: TO STDOUT)
-- bad
COPY users TO '/tmp/users.csv';
-- safe
COPY users TO STDOUT;

-- == alter-system | Security | ALTER SYSTEM (safe: a role setting)
-- bad no-transaction
ALTER SYSTEM SET max_connections = 500;
-- safe
ALTER ROLE app SET work_mem = '64MB';

-- == untrusted-extension | Security | CREATE EXTENSION of an untrusted language
-- bad
CREATE EXTENSION IF NOT EXISTS plpython3u;
-- safe
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- == untrusted-language | Security | CREATE LANGUAGE without TRUSTED
-- bad
CREATE LANGUAGE plsample HANDLER plsample_call_handler;

-- == grant-to-public | Security | GRANT … TO PUBLIC (safe: to a named role)
-- bad
GRANT SELECT ON users TO PUBLIC;
-- safe
GRANT SELECT ON users TO app_readers;

-- == security-definer | Security | SECURITY DEFINER without SET search_path
-- bad
CREATE OR REPLACE FUNCTION reset_plan(uid bigint) RETURNS void LANGUAGE sql SECURITY DEFINER
AS $$ UPDATE users SET plan = 'free' WHERE id = uid $$;
-- safe
CREATE OR REPLACE FUNCTION reset_plan(uid bigint) RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$ UPDATE public.users SET plan = 'free' WHERE id = uid $$;

-- == int-key | Types and style | int primary key (safe: bigint identity)
-- bad
CREATE TABLE IF NOT EXISTS tags (id integer PRIMARY KEY, label text);
-- safe
CREATE TABLE IF NOT EXISTS tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text);

-- == serial | Types and style | serial (safe: identity)
-- bad
CREATE TABLE IF NOT EXISTS tickets (id bigserial PRIMARY KEY, title text);
-- safe
CREATE TABLE IF NOT EXISTS tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text);

-- == varchar | Types and style | varchar(n) (safe: text with a CHECK)
-- bad
CREATE TABLE IF NOT EXISTS notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title varchar(200));
-- safe
CREATE TABLE IF NOT EXISTS notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text CHECK (char_length(title) <= 200));

-- == timestamp | Types and style | timestamp without time zone (safe: timestamptz)
-- bad
CREATE TABLE IF NOT EXISTS visits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamp);
-- safe
CREATE TABLE IF NOT EXISTS visits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz);

-- == char | Types and style | char(n) (safe: text)
-- bad
CREATE TABLE IF NOT EXISTS countries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code char(2));
-- safe
CREATE TABLE IF NOT EXISTS countries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text);

-- == json | Types and style | json (safe: jsonb)
-- bad
CREATE TABLE IF NOT EXISTS hooks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload json);
-- safe
CREATE TABLE IF NOT EXISTS hooks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb);

-- == money | Types and style | money (safe: numeric)
-- bad
CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total money);
-- safe
CREATE TABLE IF NOT EXISTS invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric(12, 2));

-- == serial-int-key | Types and style | serial primary key: identity and bigint in one finding
-- bad
CREATE TABLE IF NOT EXISTS coupons (id serial PRIMARY KEY, code text);
-- safe
CREATE TABLE IF NOT EXISTS coupons (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, code text);

-- == domain-constraint | Types and style | CREATE DOMAIN with a constraint
-- bad
CREATE DOMAIN percent AS int CHECK (VALUE BETWEEN 0 AND 100);
-- safe
CREATE DOMAIN percent AS int;

-- == long-identifier | Types and style | identifier over 63 bytes
-- bad
CREATE TABLE IF NOT EXISTS customer_subscription_billing_cycle_adjustments_history_archive_2024 (id bigint);
-- safe
CREATE TABLE IF NOT EXISTS billing_cycle_adjustments_archive (id bigint);

-- == nested-begin | Script hygiene | BEGIN inside a transaction (safe: SAVEPOINT)
-- bad no-transaction
-- setup
BEGIN;
-- check
BEGIN;
-- setup
COMMIT;
-- safe no-transaction
-- setup
BEGIN;
-- check
SAVEPOINT before_backfill;
-- setup
COMMIT;

-- == open-transaction | Script hygiene | transaction left open at the end (safe: COMMIT)
-- bad no-transaction
BEGIN;
ALTER TABLE users ADD COLUMN locale text;
-- safe no-transaction
BEGIN;
ALTER TABLE users ADD COLUMN locale text;
COMMIT;

-- == duplicate-assignment | Script hygiene | one column assigned twice in an UPDATE
-- bad
UPDATE users SET plan = 'free', plan = 'pro' WHERE id = 1;
-- safe
UPDATE users SET plan = 'pro' WHERE id = 1;

-- == duplicate-insert-column | Script hygiene | one column named twice in an INSERT
-- bad
INSERT INTO users (email, email) VALUES ('a@example.com', 'b@example.com');
-- safe
INSERT INTO users (email) VALUES ('a@example.com');
