-- Marks the profile inactive and deletes the user's sessions (their refresh tokens go with them
-- through the foreign key) and legacy refresh tokens without a session.
-- Returns: profiles, sessions, refresh_tokens changed. $1 user id (uuid)
WITH p AS (UPDATE public.profiles SET active = false, updated_at = now() WHERE id = $1::uuid AND active RETURNING 1),
s AS (DELETE FROM auth.sessions WHERE user_id = $1::uuid RETURNING 1),
t AS (DELETE FROM auth.refresh_tokens WHERE user_id = $1::text AND session_id IS NULL RETURNING 1)
SELECT (SELECT count(*) FROM p) AS profiles, (SELECT count(*) FROM s) AS sessions, (SELECT count(*) FROM t) AS refresh_tokens
