-- migrate:up
CREATE TABLE accounts (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL
);

-- migrate:down
DROP TABLE accounts;
