-- Supabase's platform roles: the API roles (anon, authenticated, service_role), the admin roles
-- of its services and the authenticator PostgREST logs in as. Roles are cluster-wide and
-- outlive any one database: created only when missing, and a concurrent creator (another test
-- file, another workspace) is tolerated. Shared by the local workspace's target and
-- test/support/fixtures/supabase-platform.sql. No parameters.
DO $roles$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES
    ('anon', 'NOLOGIN NOINHERIT'),
    ('authenticated', 'NOLOGIN NOINHERIT'),
    ('service_role', 'NOLOGIN NOINHERIT BYPASSRLS'),
    ('supabase_admin', 'NOLOGIN'),
    ('supabase_auth_admin', 'NOLOGIN NOINHERIT'),
    ('supabase_storage_admin', 'NOLOGIN NOINHERIT'),
    ('authenticator', 'LOGIN NOINHERIT')
  ) AS v (name, options)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', r.name, r.options);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END
$roles$;
