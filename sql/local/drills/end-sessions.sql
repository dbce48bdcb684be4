-- The database-outage drill: ends every session on the target but this one (as a crash or
-- failover would). Returns one row per session ended. $1 database name. No locks.
SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND pg_terminate_backend(pid)
