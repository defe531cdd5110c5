SET lock_timeout = '2s';
CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric, tags text[], currency text);

-- expect: duplicate-column-assignment:1
UPDATE prices SET amount = 1, currency = 'EUR', amount = 2 WHERE id = 1;

-- expect: duplicate-column-assignment:1
UPDATE prices SET (amount, currency) = (1, 'EUR'), currency = 'USD' WHERE id = 2;

-- expect: duplicate-column-assignment:1
INSERT INTO prices (id, amount, amount) VALUES (3, 1, 2);

-- expect: duplicate-column-assignment:1
INSERT INTO prices (id, amount) VALUES (4, 1)
ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, amount = 0;

-- Safe: each column once; parts of one array column assigned separately.
UPDATE prices SET amount = 1, currency = 'EUR' WHERE id = 5;
UPDATE prices SET tags[1] = 'a', tags[2] = 'b' WHERE id = 6;
INSERT INTO prices (id, amount) VALUES (7, 1) ON CONFLICT (id) DO UPDATE SET amount = excluded.amount;
