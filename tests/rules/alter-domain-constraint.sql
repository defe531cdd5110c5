SET lock_timeout = '2s';
CREATE DOMAIN positive_amount AS numeric(12, 2);
CREATE DOMAIN unused_code AS text;
CREATE TABLE payments (id bigint PRIMARY KEY, amount positive_amount);

-- fixture: migration
SET lock_timeout = '2s';
-- expect: alter-domain-constraint:1
ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);
-- expect: alter-domain-constraint:1
ALTER DOMAIN positive_amount SET NOT NULL;

-- NOT VALID is instant; the VALIDATE that follows takes the same SHARE locks.
ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_max CHECK (VALUE < 1000000) NOT VALID;
-- expect: alter-domain-constraint:1
ALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_max;

-- A domain mgate does not know may be in use anywhere.
-- expect: alter-domain-constraint:1
ALTER DOMAIN email_address ADD CONSTRAINT email_address_at CHECK (VALUE LIKE '%@%');

-- Safe: a domain no table uses, and one created in this migration.
ALTER DOMAIN unused_code ADD CONSTRAINT unused_code_short CHECK (length(VALUE) < 10);
CREATE DOMAIN percent AS int;
CREATE TABLE discounts (id bigint, rate percent);
ALTER DOMAIN percent ADD CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100);
-- Safe: dropping a constraint or NOT NULL checks nothing.
ALTER DOMAIN positive_amount DROP NOT NULL;
ALTER DOMAIN positive_amount DROP CONSTRAINT positive_amount_check;
