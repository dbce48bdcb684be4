-- The pg_stat_statements entry `/db explain` plans: its parameterised text, for this database,
-- the most called one when several roles ran it. Needs the extension's schema on the search_path
-- (slowqueries/search-path.sql). Returns zero rows for an unknown id, else one row: query, role,
-- calls, mean_ms, total_ms, rows.
-- $1 queryid (bigint, as text). Reads the extension's view only; no locks on user tables.
SELECT s.query, pg_get_userbyid(s.userid) AS role, s.calls, s.mean_exec_time AS mean_ms, s.total_exec_time AS total_ms, s.rows
FROM pg_stat_statements s
WHERE s.queryid = $1::bigint AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY s.calls DESC
LIMIT 1
