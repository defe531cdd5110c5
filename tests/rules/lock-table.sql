SET lock_timeout = '2s';

-- expect: lock-table:1
LOCK TABLE orders;

-- expect: lock-table:1
LOCK TABLE public.users IN SHARE MODE;

-- expect: lock-table:1
LOCK orders, payments IN EXCLUSIVE MODE;

-- Safe: modes that do not block writes.
LOCK TABLE orders IN ACCESS SHARE MODE;
LOCK TABLE orders IN ROW EXCLUSIVE MODE;
LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE;

-- Safe: a table created in this migration.
CREATE TABLE queue (id bigint);
LOCK TABLE queue;
