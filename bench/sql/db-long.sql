-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: statements running for more than 60 seconds.
-- No params. No locks beyond the catalog reads every query takes.
SELECT pid, now() - query_start AS duration, state, query
FROM pg_stat_activity
WHERE state <> 'idle' AND now() - query_start > interval '60 seconds'
ORDER BY duration DESC
