-- fixture: no-transaction
SET lock_timeout = '2s';
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE visits (id bigint, at date);

-- fixture: migration no-transaction
SET lock_timeout = '2s';
-- expect: concurrently-on-partitioned-table:1
CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);

-- Safe: the parent's index ON ONLY, each partition's index CONCURRENTLY, then attached.
CREATE INDEX events_at_idx ON ONLY events (at);
CREATE INDEX CONCURRENTLY events_2024_at_idx ON events_2024 (at);
ALTER INDEX events_at_idx ATTACH PARTITION events_2024_at_idx;

-- expect: concurrently-on-partitioned-table:1
DROP INDEX CONCURRENTLY events_at_idx;

-- Safe: a partition, a plain table, and a table mgate does not know.
CREATE INDEX CONCURRENTLY events_2024_kind_idx ON events_2024 (kind);
CREATE INDEX CONCURRENTLY visits_at_idx ON visits (at);
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);
DROP INDEX CONCURRENTLY visits_at_idx;

-- fixture: migration
SET lock_timeout = '2s';
-- In a transaction too it fails for being partitioned: one finding for the failure.
-- expect: concurrently-on-partitioned-table:1 (folds concurrently-in-transaction)
CREATE INDEX CONCURRENTLY events_id_idx ON events (id);
