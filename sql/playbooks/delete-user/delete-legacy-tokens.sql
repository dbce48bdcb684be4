-- Deletes the user's legacy refresh tokens (no session, user_id as text: no foreign key would
-- take them). Returns: n. $1 user id. Row locks on the deleted rows.
WITH d AS (DELETE FROM auth.refresh_tokens WHERE user_id = $1::text AND session_id IS NULL RETURNING 1)
SELECT count(*)::int AS n FROM d
