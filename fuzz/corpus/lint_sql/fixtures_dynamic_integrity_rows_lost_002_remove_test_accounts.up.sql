-- Meant to remove test accounts; the cascade silently takes their orders too.
DELETE FROM accounts WHERE id > 900;
