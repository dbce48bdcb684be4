-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: the table cache hit ratio.
-- No params. No locks beyond the catalog reads every query takes.
SELECT sum(heap_blks_hit)::float8 / NULLIF(sum(heap_blks_hit) + sum(heap_blks_read), 0) AS ratio
FROM pg_statio_user_tables
