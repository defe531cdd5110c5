-- Every account keeps a name.
SELECT count(*) = 0 FROM accounts WHERE name IS NULL;
