SELECT id, name FROM accounts WHERE false;
