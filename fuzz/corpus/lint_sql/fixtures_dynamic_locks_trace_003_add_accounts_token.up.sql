ALTER TABLE accounts ADD COLUMN token double precision DEFAULT random();
