UPDATE accounts SET name = NULL WHERE id % 2 = 0;
