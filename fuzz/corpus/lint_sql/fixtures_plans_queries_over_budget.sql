-- A budget no query can meet: the gate must fail on it.

-- name: customer_by_id budget_ms=0.0001
-- param: id=7
SELECT name, region FROM customers WHERE id = :id;
