CREATE TABLE customers (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  region text NOT NULL
);

CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status text NOT NULL,
  total numeric(10, 2) NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
