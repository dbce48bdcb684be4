-- Whether a database exists on the server. Returns one row (exists). $1 database name. No locks.
SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists
