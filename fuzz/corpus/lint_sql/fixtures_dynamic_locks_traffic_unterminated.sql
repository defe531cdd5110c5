BEGIN;
UPDATE accounts SET name = name WHERE id = 1;
