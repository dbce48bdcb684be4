-- How many of a drill's sessions are still connected. Returns one row (n). $1 pids (int[]). No locks.
SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY ($1::int[])
