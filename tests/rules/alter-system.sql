-- fixture: no-transaction
-- expect: alter-system:1
ALTER SYSTEM SET max_connections = 500;

-- expect: alter-system:1
ALTER SYSTEM RESET ALL;

-- Safe: settings scoped to this database, a role, or this transaction.
ALTER DATABASE CURRENT SET statement_timeout = '30s';
ALTER ROLE app SET lock_timeout = '5s';
SET lock_timeout = '2s';
