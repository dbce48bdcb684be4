-- The user a disable/enable playbook acts on. Returns: id, email, active (profile, null when no
-- profile), banned_until, sessions, legacy_refresh_tokens. $1 user id (uuid)
SELECT
  u.id,
  u.email,
  p.active,
  u.banned_until,
  (SELECT count(*) FROM auth.sessions s WHERE s.user_id = u.id) AS sessions,
  (SELECT count(*) FROM auth.refresh_tokens t WHERE t.user_id = u.id::text AND t.session_id IS NULL AND NOT COALESCE(t.revoked, false)) AS legacy_refresh_tokens
FROM auth.users u
LEFT JOIN public.profiles p ON p.id = u.id
WHERE u.id = $1::uuid
