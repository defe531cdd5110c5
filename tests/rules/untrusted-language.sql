-- expect: untrusted-language:1
CREATE EXTENSION plpython3u;

-- expect: untrusted-language:1
CREATE EXTENSION IF NOT EXISTS plperlu SCHEMA pg_catalog;

-- expect: untrusted-language:1
CREATE LANGUAGE plsample HANDLER plsample_call_handler;

-- Safe: trusted languages and ordinary extensions.
CREATE EXTENSION IF NOT EXISTS plperl;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TRUSTED LANGUAGE plsafe HANDLER plsafe_call_handler;
