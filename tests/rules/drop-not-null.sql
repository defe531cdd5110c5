SET lock_timeout = '2s';

-- expect: drop-not-null:1
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

-- expect: drop-not-null:1
ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL, ALTER COLUMN carrier DROP NOT NULL;

-- Safe: a table or column created earlier in this migration.
CREATE TABLE drafts (id bigint PRIMARY KEY, title text NOT NULL);
ALTER TABLE drafts ALTER COLUMN title DROP NOT NULL;
ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT '';
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;
-- Safe: adding NOT NULL or a default is another rule's concern.
ALTER TABLE users ALTER COLUMN email SET DEFAULT '';
