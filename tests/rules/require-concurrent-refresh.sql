SET lock_timeout = '2s';
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric);
CREATE MATERIALIZED VIEW order_totals AS
  SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX order_totals_user_idx ON order_totals (user_id);
CREATE MATERIALIZED VIEW daily_totals AS SELECT 1 AS day;
CREATE MATERIALIZED VIEW later_totals AS SELECT 1 AS day WITH NO DATA;

-- fixture: migration
SET lock_timeout = '2s';
-- expect: require-concurrent-refresh:1
REFRESH MATERIALIZED VIEW order_totals;

-- No unique index yet: flagged, without a fix.
-- expect: require-concurrent-refresh:1
REFRESH MATERIALIZED VIEW daily_totals;

-- A view mgate does not know.
-- expect: require-concurrent-refresh:1
REFRESH MATERIALIZED VIEW reporting.sales_summary;

-- Safe: CONCURRENTLY; WITH NO DATA; the first refresh of a view created WITH NO DATA.
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;
REFRESH MATERIALIZED VIEW daily_totals WITH NO DATA;
REFRESH MATERIALIZED VIEW later_totals;

-- Safe: a view created earlier in this migration.
CREATE MATERIALIZED VIEW weekly_totals AS SELECT 1 AS week;
REFRESH MATERIALIZED VIEW weekly_totals;
