-- fixture: no-transaction
-- expect: vacuum-full:1
VACUUM FULL orders;

-- expect: vacuum-full:1
VACUUM (FULL, ANALYZE) public.orders, users;

-- expect: vacuum-full:1
VACUUM FULL;

-- Safe: plain VACUUM and ANALYZE take SHARE UPDATE EXCLUSIVE and rewrite nothing.
VACUUM orders;
VACUUM (ANALYZE) orders;
VACUUM (FULL false) orders;
ANALYZE orders;

-- Safe: a table created in this migration.
CREATE TABLE scratch (id int);
VACUUM FULL scratch;
