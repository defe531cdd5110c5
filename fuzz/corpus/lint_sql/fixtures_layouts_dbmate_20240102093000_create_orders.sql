-- migrate:up
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id)
);

-- migrate:down
DROP TABLE orders;
