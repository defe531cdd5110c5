-- The application's customer page still reads region.
ALTER TABLE customers DROP COLUMN region;
