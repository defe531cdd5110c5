-- fixture: no-transaction
SET lock_timeout = '2s';

-- expect: require-concurrent-detach-partition:1
ALTER TABLE measurements DETACH PARTITION measurements_2023;

-- expect: require-concurrent-detach-partition:1
ALTER TABLE public.measurements DETACH PARTITION public.measurements_2020;

-- Safe: CONCURRENTLY (PostgreSQL 14+) takes SHARE UPDATE EXCLUSIVE.
ALTER TABLE measurements DETACH PARTITION measurements_2022 CONCURRENTLY;

-- Safe: FINALIZE completes an interrupted concurrent detach.
ALTER TABLE measurements DETACH PARTITION measurements_2021 FINALIZE;

-- Safe: a partitioned table created in this migration.
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE events DETACH PARTITION events_2024;
