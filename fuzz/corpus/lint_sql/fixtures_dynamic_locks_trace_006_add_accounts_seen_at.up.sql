SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN seen_at timestamptz DEFAULT now();
