SET lock_timeout = '2s';

CREATE TABLE countries (
-- expect: prefer-text-over-char:3
  code char(2) PRIMARY KEY,
-- expect: prefer-text-over-char:3
  flag character,
  -- Safe: text with a check; the one-byte internal "char" type is another type.
  name text NOT NULL CHECK (char_length(name) <= 100),
  kind "char"
);

-- expect: prefer-text-over-char:30
ALTER TABLE users ADD COLUMN gender CHARACTER(1);
