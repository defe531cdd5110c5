-- expect: grant-to-public:1
GRANT SELECT ON customers TO PUBLIC;

-- expect: grant-to-public:1
GRANT ALL ON SCHEMA reporting TO app_writer, PUBLIC;

-- expect: grant-to-public:1
GRANT EXECUTE ON FUNCTION reset_password(bigint) TO public;

-- Safe: a named role; revoking from PUBLIC.
GRANT SELECT ON customers TO app_readers;
REVOKE ALL ON customers FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reset_password(bigint) FROM PUBLIC;
