SET lock_timeout = '2s';

-- expect: change-column-type:1
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;

-- expect: change-column-type:1
ALTER TABLE users ALTER COLUMN email SET DATA TYPE varchar(320) USING email::varchar(320);

-- Safe: a column added in the same migration holds no data yet.
ALTER TABLE orders ADD COLUMN note varchar(100);
ALTER TABLE orders ALTER COLUMN note TYPE text;

-- fixture: migration
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    name varchar(50),
    code varchar(10),
    slug varchar,
    amount numeric(10, 2),
    ratio numeric(5, 2),
    label text,
    score int,
    born timestamp(0)
);

-- fixture: migration
SET lock_timeout = '2s';
-- Safe: binary-coercible changes of columns whose type an earlier migration set.
ALTER TABLE accounts ALTER COLUMN name TYPE text;
ALTER TABLE accounts ALTER COLUMN code TYPE varchar(20);
ALTER TABLE accounts ALTER COLUMN slug TYPE text;
ALTER TABLE public.accounts ALTER COLUMN amount TYPE numeric(12, 2);
ALTER TABLE accounts ALTER COLUMN ratio TYPE numeric;
ALTER TABLE accounts ALTER COLUMN label TYPE varchar;
ALTER TABLE accounts ALTER COLUMN born TYPE timestamp(3) USING born::timestamp(3);

-- expect: change-column-type:1
ALTER TABLE accounts ALTER COLUMN code TYPE varchar(5);

-- expect: change-column-type:1
ALTER TABLE accounts ALTER COLUMN amount TYPE numeric(14, 4);

-- expect: change-column-type:1
ALTER TABLE accounts ALTER COLUMN score TYPE bigint;

-- expect: change-column-type:1
ALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);

-- expect: change-column-type:1
ALTER TABLE accounts ALTER COLUMN slug TYPE text USING lower(slug);
