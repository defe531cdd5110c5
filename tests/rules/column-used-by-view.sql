-- An earlier migration: two tables and the views that read them.
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text, total numeric(10,2), note text);
CREATE VIEW order_summaries AS
    SELECT o.id, o.status, u.email FROM orders o JOIN users u ON u.id = o.user_id;
CREATE VIEW user_directory AS SELECT * FROM users;

-- fixture: migration
SET lock_timeout = '2s';

-- expect: column-used-by-view:1
ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);

-- expect: column-used-by-view:1
ALTER TABLE public.users DROP COLUMN email;

-- expect: column-used-by-view:1
ALTER TABLE users DROP COLUMN name CASCADE;

-- Safe: columns that no view reads.
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);

-- Safe: the view is dropped first.
DROP VIEW order_summaries;
ALTER TABLE orders DROP COLUMN user_id;
