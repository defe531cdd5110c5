-- expect: create-domain-with-constraint:1
CREATE DOMAIN positive_amount AS numeric(12, 2) CHECK (VALUE > 0);
-- expect: create-domain-with-constraint:1
CREATE DOMAIN email_address AS text NOT NULL;

-- Safe: no constraint on the domain.
CREATE DOMAIN order_reference AS text;
CREATE DOMAIN note_text AS text DEFAULT '';
