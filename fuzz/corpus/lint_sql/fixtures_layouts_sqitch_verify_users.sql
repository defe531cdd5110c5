-- Verify shop:users on pg

SELECT id, name, email FROM shop.users WHERE false;
