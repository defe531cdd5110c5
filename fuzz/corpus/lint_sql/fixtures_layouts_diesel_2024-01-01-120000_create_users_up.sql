CREATE TABLE users (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    updated_at timestamp NOT NULL DEFAULT now()
);
SELECT diesel_manage_updated_at('users');
