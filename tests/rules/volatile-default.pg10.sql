-- fixture: pg-version 10
SET lock_timeout = '2s';

-- expect: volatile-default:1
ALTER TABLE orders ADD COLUMN channel text DEFAULT 'web';

-- expect: volatile-default:1
ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- expect: volatile-default:1
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();

-- Safe: no default, or DEFAULT NULL, stores nothing per row.
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE orders ADD COLUMN memo text DEFAULT NULL;

-- Safe: a table created in this migration.
CREATE TABLE sessions (id bigint PRIMARY KEY);
ALTER TABLE sessions ADD COLUMN kind text DEFAULT 'web';
