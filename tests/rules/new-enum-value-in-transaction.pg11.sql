-- fixture: pg-version 11
-- Before PostgreSQL 12, ADD VALUE itself cannot run in a transaction block.
-- expect: new-enum-value-in-transaction:1
ALTER TYPE order_status ADD VALUE 'archived';

-- fixture: migration no-transaction
ALTER TYPE order_status ADD VALUE 'returned';
