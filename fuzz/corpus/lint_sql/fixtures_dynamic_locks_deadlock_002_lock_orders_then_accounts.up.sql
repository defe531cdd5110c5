LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;
-- Test scaffolding, not a pattern for migrations: waits on the server until a workload
-- transaction, which has updated accounts, is queued behind the lock on orders. The ALTER then
-- needs accounts, which that transaction holds: a deadlock by construction, not by timing.
DO $$
BEGIN
  WHILE NOT EXISTS (SELECT 1 FROM pg_locks
                    WHERE relation = 'orders'::regclass AND NOT granted) LOOP
    PERFORM pg_sleep(0.01);
  END LOOP;
END
$$;
ALTER TABLE accounts ADD COLUMN region text;
