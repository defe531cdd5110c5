SET lock_timeout = '3s';
-- Dangerous: the running application still selects products.title.
ALTER TABLE products RENAME COLUMN title TO name;
