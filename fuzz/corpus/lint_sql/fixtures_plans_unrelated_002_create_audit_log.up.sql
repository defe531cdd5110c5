CREATE TABLE audit_log (
  id bigint PRIMARY KEY,
  actor text NOT NULL,
  action text NOT NULL,
  at timestamptz NOT NULL
);

CREATE INDEX audit_log_at_idx ON audit_log (at);
