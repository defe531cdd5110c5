-- Critical queries of the shop (the plans gate's fixtures; docs/gates/plans.md).

-- name: order_history budget_ms=250
-- param: customer_id=42
-- The order history page: one customer's latest orders.
SELECT id, status, total
FROM orders
WHERE customer_id = :customer_id
ORDER BY created_at DESC
LIMIT 20;

-- name: customer_by_id
-- param: id=7
SELECT name, region FROM customers WHERE id = :id;
