-- What the scratch database of a verification can hold, to decide which archive entries it
-- restores (src/backup/scratch-plan.ts). Run connected to the fresh scratch database.
-- Returns one row: roles (text[]: every role of the server), extensions (text[]: those it can
-- create), schemas (text[]: those the scratch database already has), superuser (boolean: may
-- the current role create event triggers). No parameters, no locks.
SELECT ARRAY(SELECT rolname::text FROM pg_roles) AS roles,
       ARRAY(SELECT name::text FROM pg_available_extensions) AS extensions,
       ARRAY(SELECT nspname::text FROM pg_namespace) AS schemas,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
