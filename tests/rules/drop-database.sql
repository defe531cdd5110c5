-- fixture: no-transaction
-- expect: drop-database:1
DROP DATABASE analytics;

-- expect: drop-database:1
DROP DATABASE IF EXISTS shop_test WITH (FORCE);

-- Safe: creating one is not destructive.
CREATE DATABASE scratch;
