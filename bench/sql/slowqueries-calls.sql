-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: the 50 most frequently called statements.
-- No params. No locks beyond the catalog reads every query takes.
SELECT query, calls, total_exec_time, mean_exec_time, rows
FROM extensions.pg_stat_statements
ORDER BY calls DESC
LIMIT 50
