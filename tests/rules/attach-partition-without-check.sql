SET lock_timeout = '2s';
CREATE TABLE measurements (at date NOT NULL, value float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2023 PARTITION OF measurements
  FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 (at date, value float8);
CREATE TABLE measurements_2025 (at date NOT NULL, value float8,
  CONSTRAINT measurements_2025_bound CHECK (at >= '2025-01-01' AND at < '2026-01-01'));
CREATE TABLE measurements_2026 (at date, value float8,
  CONSTRAINT measurements_2026_bound CHECK (at >= '2026-01-01' AND at < '2027-01-01'));
CREATE TABLE measurements_2027 (at date, value float8);
CREATE TABLE regions (code text, name text) PARTITION BY LIST (code);
CREATE TABLE regions_eu (code text NOT NULL, name text, CHECK (code IN ('de', 'fr')));
CREATE TABLE regions_us (code text NOT NULL, name text, CHECK (code IN ('us', 'ca')));
CREATE TABLE logs (at date NOT NULL, line text) PARTITION BY RANGE (at);
CREATE TABLE logs_rest PARTITION OF logs DEFAULT;

-- fixture: migration
SET lock_timeout = '2s';
-- expect: attach-partition-without-check:1
ALTER TABLE measurements ATTACH PARTITION measurements_2024
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- Safe: a validated check and a NOT NULL key prove the bound.
ALTER TABLE measurements ATTACH PARTITION measurements_2025
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- The check lets NULL rows pass: PostgreSQL still scans.
-- expect: attach-partition-without-check:1
ALTER TABLE measurements ATTACH PARTITION measurements_2026
  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- Safe: the check added NOT VALID and validated in an earlier migration.
-- (Here in one migration: validate-in-same-transaction is its own finding.)
ALTER TABLE measurements_2027 ADD CONSTRAINT measurements_2027_bound
  CHECK (at IS NOT NULL AND at >= '2027-01-01' AND at < '2028-01-01') NOT VALID;
ALTER TABLE measurements_2027 VALIDATE CONSTRAINT measurements_2027_bound;
ALTER TABLE measurements ATTACH PARTITION measurements_2027
  FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');

-- Lists: the check's values must be among the bound's.
ALTER TABLE regions ATTACH PARTITION regions_eu FOR VALUES IN ('de', 'fr', 'it');
-- expect: attach-partition-without-check:1
ALTER TABLE regions ATTACH PARTITION regions_us FOR VALUES IN ('us');

-- A default partition is scanned for the new partition's rows, even for a new table.
CREATE TABLE logs_2024 (at date NOT NULL, line text);
-- expect: attach-partition-without-check:1
ALTER TABLE logs ATTACH PARTITION logs_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- Tables mgate does not know: nothing proves the bound.
-- expect: attach-partition-without-check:1
ALTER TABLE archive ATTACH PARTITION archive_2020 FOR VALUES FROM (2020) TO (2021);

-- Safe: a table created earlier in this migration is empty.
CREATE TABLE measurements_2028 (at date, value float8);
ALTER TABLE measurements ATTACH PARTITION measurements_2028
  FOR VALUES FROM ('2028-01-01') TO ('2029-01-01');
