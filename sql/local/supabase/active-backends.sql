-- The simulated metrics endpoint's load: client backends of the target database running a
-- statement now (not this one), from which the simulated host CPU is derived, so a runaway-query
-- drill shows as CPU in /health db. Returns one row (active). No parameters. No locks.
SELECT count(*)::int AS active
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND state = 'active' AND datname = current_database() AND pid <> pg_backend_pid()
