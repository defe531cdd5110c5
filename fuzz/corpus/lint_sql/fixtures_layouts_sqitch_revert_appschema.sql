-- Revert shop:appschema from pg

BEGIN;

DROP SCHEMA shop;

COMMIT;
