-- The same index under a new name: the plan keeps its shape, only the index name changes.
ALTER INDEX orders_customer_id_idx RENAME TO orders_by_customer_idx;
