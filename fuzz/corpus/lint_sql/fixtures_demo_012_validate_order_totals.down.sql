-- Nothing to undo: validation changes no schema.
SELECT 1;
