-- migrate:up
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    name text NOT NULL
);

-- migrate:down
DROP TABLE users;
