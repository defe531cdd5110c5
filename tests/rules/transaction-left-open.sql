-- fixture: no-transaction
SET lock_timeout = '2s';

-- Safe: opened and committed.
BEGIN;
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
COMMIT;

-- Safe: opened and rolled back.
START TRANSACTION;
CREATE TABLE scratch (id bigint);
ROLLBACK;

BEGIN;
CREATE TABLE ledgers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- expect: transaction-left-open:1
CREATE TABLE entries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
