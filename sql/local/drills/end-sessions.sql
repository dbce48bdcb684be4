-- The database-outage drill: ends every session on the target but this one (as a crash or
-- failover would). Returns one row per session ended. $1 database name. No locks.
-- The victims are chosen first, in a materialized CTE: in one WHERE clause the planner orders
-- the conditions by cost and may call pg_terminate_backend before `pid <> pg_backend_pid()`
-- (or the datname test) has ruled a session out, ending this one and sessions of other databases.
WITH victims AS MATERIALIZED (
  SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
)
SELECT pid FROM victims WHERE pg_terminate_backend(pid)
