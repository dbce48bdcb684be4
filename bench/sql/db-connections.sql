-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: the runbook's connection count: sessions of this database by state.
-- No params. No locks beyond the catalog reads every query takes.
SELECT state, count(*) AS n
FROM pg_stat_activity
WHERE datname = current_database()
GROUP BY state
ORDER BY n DESC
