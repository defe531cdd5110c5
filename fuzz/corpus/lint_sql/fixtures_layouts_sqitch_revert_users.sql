-- Revert shop:users from pg

BEGIN;

ALTER TABLE shop.users DROP COLUMN email;

COMMIT;
