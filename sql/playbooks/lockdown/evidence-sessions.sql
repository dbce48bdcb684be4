-- Evidence: every session about to be revoked.
-- Returns one row: n, rows (JSON text: id, user_id, created_at, updated_at, refreshed_at,
-- not_after, aal, ip, user_agent and refresh_tokens (count) per session).
-- Aggregated to one JSON text on the server: 100,000 sessions move as one value, not 100,000 rows.
SELECT count(*) AS n, COALESCE(json_agg(e)::text, '[]') AS rows
FROM (
SELECT s.id, s.user_id, s.created_at, s.updated_at, s.refreshed_at, s.not_after, s.aal::text AS aal,
  host(s.ip) AS ip, s.user_agent, COALESCE(t.n, 0) AS refresh_tokens
FROM auth.sessions s
LEFT JOIN (SELECT session_id, count(*) AS n FROM auth.refresh_tokens WHERE session_id IS NOT NULL GROUP BY session_id) t ON t.session_id = s.id
ORDER BY s.created_at, s.id
) e
