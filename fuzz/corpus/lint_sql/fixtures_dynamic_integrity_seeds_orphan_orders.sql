-- Orders whose account does not exist: a NOT VALID foreign key accepts them silently.
INSERT INTO orders (account_id) VALUES (999999), (1000000);
