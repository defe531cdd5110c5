SET lock_timeout = '3s';
ALTER TABLE products DROP COLUMN description;
