-- Stands for a backfill that takes far longer than the deploy allows.
SELECT pg_sleep(600);
