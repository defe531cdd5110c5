SET lock_timeout = '2s';

-- expect: set-tablespace:1
ALTER TABLE orders SET TABLESPACE fast_ssd;

-- expect: set-tablespace:1
ALTER INDEX orders_status_idx SET TABLESPACE fast_ssd;

-- expect: set-tablespace:1
ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE fast_ssd;

-- Safe: only tables created from now on go there.
SET default_tablespace = 'fast_ssd';

-- Safe: a table created in this migration.
CREATE TABLE metrics (id bigint) TABLESPACE fast_ssd;
ALTER TABLE metrics SET TABLESPACE pg_default;
