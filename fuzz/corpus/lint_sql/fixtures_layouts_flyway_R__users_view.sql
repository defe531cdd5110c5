CREATE OR REPLACE VIEW active_users AS
    SELECT id, name FROM users;
