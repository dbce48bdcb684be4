-- Tables of the public and auth schemas, to tell an empty database from a half-made one.
-- Returns one row (n). No parameters, no locks.
SELECT count(*) AS n FROM pg_tables WHERE schemaname IN ('public', 'auth', 'opsbot_local')
