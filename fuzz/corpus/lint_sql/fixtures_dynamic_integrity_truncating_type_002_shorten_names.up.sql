ALTER TABLE accounts ALTER COLUMN name TYPE varchar(3) USING left(name, 3);
