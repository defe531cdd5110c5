-- Forgets the column: only the index goes.
DROP INDEX accounts_phone_idx;
