-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: the 10 statements that read the most blocks from outside shared buffers.
-- No params. No locks beyond the catalog reads every query takes.
SELECT query, calls, shared_blks_read, shared_blks_hit, total_exec_time
FROM extensions.pg_stat_statements
ORDER BY shared_blks_read + local_blks_read + temp_blks_read DESC
LIMIT 10
