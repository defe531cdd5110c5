SET lock_timeout = '3s';
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
