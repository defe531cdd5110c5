CREATE TABLE events (
    id bigint NOT NULL,
    at date   NOT NULL
) PARTITION BY RANGE (at);
CREATE TABLE events_rest PARTITION OF events DEFAULT;
