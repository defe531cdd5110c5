-- Verify shop:users on pg

SELECT id, name FROM shop.users WHERE false;
