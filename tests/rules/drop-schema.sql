SET lock_timeout = '2s';

-- expect: drop-schema:1
DROP SCHEMA reporting CASCADE;

-- expect: drop-schema:1
DROP SCHEMA IF EXISTS staging, archive CASCADE;

-- Safe: without CASCADE, PostgreSQL drops the schema only when it is empty.
DROP SCHEMA legacy;
DROP SCHEMA IF EXISTS old_reports RESTRICT;
