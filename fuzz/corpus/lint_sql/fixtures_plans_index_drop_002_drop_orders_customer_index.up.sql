-- Looks like cleanup, but the order history page filters orders by customer_id.
DROP INDEX orders_customer_id_idx;
