SET lock_timeout = '3s';
ALTER TABLE payments DROP CONSTRAINT payments_user_id_fkey;
ALTER TABLE payments DROP COLUMN user_id;
