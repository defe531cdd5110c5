SET lock_timeout = '2s';

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
-- expect: prefer-text:3
  email varchar(255) NOT NULL,
-- expect: prefer-text:3
  "Display Name" character varying(80),
  -- Safe: text, with its length checked; varchar without a length is text.
  bio text CHECK (char_length(bio) <= 2000),
  nickname varchar
);

-- expect: prefer-text:44
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale varchar(10) DEFAULT 'en';

-- expect: prefer-text:35
ALTER TABLE products ALTER COLUMN sku TYPE varchar(64);

-- Safe: moving to text.
ALTER TABLE products ALTER COLUMN title TYPE text;
