-- Evidence: Supabase Auth audit entries of the last $1 days.
-- Returns one row: n, rows (JSON text: id, created_at, ip_address, payload per entry).
-- Aggregated to one JSON text on the server: 100,000 sessions move as one value, not 100,000 rows.
SELECT count(*) AS n, COALESCE(json_agg(e)::text, '[]') AS rows
FROM (
SELECT id, created_at, ip_address, payload
FROM auth.audit_log_entries
WHERE created_at > now() - make_interval(days => $1)
ORDER BY created_at
) e
