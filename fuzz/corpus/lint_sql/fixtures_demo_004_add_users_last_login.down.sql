SET lock_timeout = '3s';
ALTER TABLE users DROP COLUMN last_login_at;
