-- Ends a drill's sessions (reset). Returns one row per pid that was ended. $1 pids (int[]).
SELECT pid FROM unnest($1::int[]) AS pid WHERE pg_terminate_backend(pid)
