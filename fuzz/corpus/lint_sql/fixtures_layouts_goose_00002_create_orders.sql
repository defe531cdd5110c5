-- +goose Up
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id)
);

-- +goose Down
DROP TABLE orders;
