SET lock_timeout = '2s';

-- The migration tool already runs this script in a transaction.
-- expect: nested-transaction:1
BEGIN;
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
COMMIT;

-- Safe: the COMMIT above ended the tool's transaction, so this BEGIN opens a real one.
BEGIN;
-- expect: nested-transaction:1
START TRANSACTION;
CREATE TABLE ledgers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- Safe: a savepoint is the way to nest.
SAVEPOINT before_entries;
CREATE TABLE entries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
RELEASE SAVEPOINT before_entries;
COMMIT;
