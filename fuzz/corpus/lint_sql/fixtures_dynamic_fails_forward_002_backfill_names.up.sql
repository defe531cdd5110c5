UPDATE accounts SET name = email;
ALTER TABLE accounts ALTER COLUMN nickname SET NOT NULL;
