-- expect: security-definer-search-path:1
CREATE FUNCTION reset_password(user_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER
AS $$ UPDATE users SET password_hash = NULL WHERE id = user_id $$;

-- expect: security-definer-search-path:1
CREATE OR REPLACE PROCEDURE admin.purge_sessions() LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  DELETE FROM sessions WHERE expires_at < now();
END
$$;

-- expect: security-definer-search-path:1
CREATE FUNCTION audit(definer text) RETURNS void LANGUAGE sql SECURITY DEFINER
AS $$ INSERT INTO audit_log (who) VALUES (definer) $$;

-- Safe: the search_path is fixed in the definition.
CREATE FUNCTION touch_user(user_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$ UPDATE public.users SET seen_at = now() WHERE id = user_id $$;
CREATE FUNCTION owner_path() RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT current_user $$;
-- Safe: SECURITY INVOKER (the default) runs with the caller's rights.
CREATE FUNCTION whoami() RETURNS text LANGUAGE sql SECURITY INVOKER AS $$ SELECT current_user $$;
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
