ALTER TABLE customers ADD COLUMN region text NOT NULL DEFAULT '';
