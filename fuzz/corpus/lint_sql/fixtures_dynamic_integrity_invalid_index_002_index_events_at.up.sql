-- ON ONLY builds the index of the parent alone: it stays invalid until an index of every
-- partition is attached with ALTER INDEX ... ATTACH PARTITION, which this migration forgets.
CREATE INDEX events_at_idx ON ONLY events (at);
