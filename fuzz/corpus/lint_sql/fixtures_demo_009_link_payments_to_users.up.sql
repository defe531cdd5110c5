SET lock_timeout = '3s';
ALTER TABLE payments ADD COLUMN user_id bigint;
-- Dangerous: validating the new foreign key scans payments while writes to both tables wait.
ALTER TABLE payments ADD CONSTRAINT payments_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
