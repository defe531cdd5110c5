SET lock_timeout = '2s';

-- expect: identifier-too-long:1
CREATE TABLE customer_subscription_billing_cycle_adjustments_history_archive_2024 (id bigint);

-- expect: identifier-too-long:1
ALTER TABLE orders ADD COLUMN shipping_address_verification_status_from_external_provider_v2_flag text;

-- expect: identifier-too-long:1
CREATE INDEX CONCURRENTLY index_orders_on_customer_id_and_created_at_and_status_and_currency ON orders (customer_id);

-- expect: identifier-too-long:1
ALTER TABLE orders RENAME COLUMN status TO order_status_as_reported_by_the_fulfilment_partner_api_version_3;

-- Safe: exactly 63 bytes, and names that are only referenced.
CREATE TABLE abcdefghij_abcdefghij_abcdefghij_abcdefghij_abcdefghij_abcdefgh (id bigint);
SELECT customer_subscription_billing_cycle_adjustments_history_archive_2024_total FROM orders;
