-- How many of these sessions wait on a lock (the lock pile-up drill is in place once all do).
-- Returns one row (n). $1 pids (int[]). No locks.
SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY ($1::int[]) AND wait_event_type = 'Lock'
