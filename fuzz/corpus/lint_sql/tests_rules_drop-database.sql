-- fixture: no-transaction
-- expect: drop-database
DROP DATABASE analytics;

-- expect: drop-database
DROP DATABASE IF EXISTS shop_test WITH (FORCE);

-- Safe: creating one is not destructive.
CREATE DATABASE scratch;
