SET lock_timeout = '2s';

-- expect: volatile-default:1
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();

-- expect: volatile-default:1
ALTER TABLE orders ADD COLUMN sample double precision NOT NULL DEFAULT (random() * 100);

-- expect: volatile-default:1
ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();

-- Safe: constants and stable functions are evaluated once (PostgreSQL 11+): no rewrite.
ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE orders ADD COLUMN channel text DEFAULT 'web';

-- Safe: a table created in the same migration.
CREATE TABLE sessions (id bigint PRIMARY KEY);
ALTER TABLE sessions ADD COLUMN token uuid DEFAULT gen_random_uuid();
