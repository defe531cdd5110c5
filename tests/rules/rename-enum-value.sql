SET lock_timeout = '2s';

-- expect: rename-enum-value:1
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';

-- expect: rename-enum-value:1
ALTER TYPE app.mood RENAME VALUE 'meh' TO 'neutral';

-- Safe: adding a value, the recommended first step.
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'dispatched' AFTER 'shipped';
ALTER TYPE order_status RENAME TO order_state;

-- Safe: an enum created earlier in the same migration: no deployed code knows its labels.
CREATE TYPE ticket_state AS ENUM ('open', 'done');
ALTER TYPE ticket_state RENAME VALUE 'done' TO 'closed';
