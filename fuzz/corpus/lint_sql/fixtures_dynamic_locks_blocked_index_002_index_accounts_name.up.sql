CREATE INDEX accounts_name_idx ON accounts (name);
-- Test scaffolding, not a pattern for migrations: the statement waits on the server until a
-- write of the workload is queued behind the index's SHARE lock, so the block is certain
-- instead of a matter of timing.
DO $$
BEGIN
  WHILE NOT EXISTS (SELECT 1 FROM pg_locks
                    WHERE relation = 'accounts'::regclass AND NOT granted) LOOP
    PERFORM pg_sleep(0.01);
  END LOOP;
END
$$;
