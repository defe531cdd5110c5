SET lock_timeout = '3s';
ALTER TABLE products RENAME COLUMN name TO title;
