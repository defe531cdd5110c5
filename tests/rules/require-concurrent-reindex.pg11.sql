-- fixture: pg-version 11
-- Before PostgreSQL 12 there is no REINDEX CONCURRENTLY: still flagged, with no fix.
SET lock_timeout = '2s';

-- expect: require-concurrent-reindex:1
REINDEX INDEX orders_status_idx;
