DROP INDEX events_at_idx;
