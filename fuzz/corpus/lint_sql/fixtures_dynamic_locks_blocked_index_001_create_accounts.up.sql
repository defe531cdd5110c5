CREATE TABLE accounts (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(50) NOT NULL,
    name  text
);
