-- fixture: no-transaction
SET lock_timeout = '2s';

-- expect: require-concurrent-reindex:1
REINDEX INDEX orders_status_idx;

-- expect: require-concurrent-reindex:1
REINDEX TABLE public.orders;

-- expect: require-concurrent-reindex:1
REINDEX (VERBOSE) SCHEMA app;

-- Safe: CONCURRENTLY rebuilds while reads and writes go on.
REINDEX INDEX CONCURRENTLY orders_status_idx;
REINDEX (CONCURRENTLY) TABLE orders;
REINDEX (VERBOSE) TABLE CONCURRENTLY orders;

-- Safe: the indexes of a table created in this migration.
CREATE TABLE drafts (id bigint PRIMARY KEY, title text);
CREATE INDEX drafts_title_idx ON drafts (title);
REINDEX INDEX drafts_title_idx;
REINDEX TABLE drafts;
