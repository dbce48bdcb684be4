-- Evidence: every session about to be revoked. Returns: id, user_id, created_at, updated_at,
-- refreshed_at, not_after, aal, ip, user_agent, refresh_tokens (count).
SELECT s.id, s.user_id, s.created_at, s.updated_at, s.refreshed_at, s.not_after, s.aal::text AS aal,
  host(s.ip) AS ip, s.user_agent,
  (SELECT count(*) FROM auth.refresh_tokens t WHERE t.session_id = s.id) AS refresh_tokens
FROM auth.sessions s
ORDER BY s.created_at, s.id
