-- Drops the target database of the local workspace for `opsbot local reset`, ending its sessions
-- first (WITH (FORCE), Postgres 13+). {{database}} is the escaped name (a fixed name in
-- src/local/db/seed.ts). No parameters; takes an exclusive lock on the database.
DROP DATABASE IF EXISTS {{database}} WITH (FORCE)
