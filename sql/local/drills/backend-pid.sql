-- The pid of this session, so a drill can find and end the sessions it opened. Returns one row (pid).
SELECT pg_backend_pid() AS pid
