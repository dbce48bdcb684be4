-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: the runbook's "slowest queries": the 10 statements with the highest mean execution time.
-- No params. No locks beyond the catalog reads every query takes.
SELECT query, calls, total_exec_time, mean_exec_time, rows
FROM extensions.pg_stat_statements
ORDER BY mean_exec_time DESC
LIMIT 10
