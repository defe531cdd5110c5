SET lock_timeout = '2s';

-- expect: require-using-index:1
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

-- expect: require-using-index:1
ALTER TABLE legacy_events ADD PRIMARY KEY (id);

-- Safe: the index was built CONCURRENTLY beforehand.
ALTER TABLE users ADD CONSTRAINT users_phone_key UNIQUE USING INDEX users_phone_idx;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY USING INDEX audit_log_id_idx;

-- Safe: a table created in the same migration.
CREATE TABLE coupons (code text);
ALTER TABLE coupons ADD PRIMARY KEY (code);
