-- Deletes the auth.users row; the foreign keys do the rest (ON DELETE CASCADE / SET NULL), which
-- is what cascade.sql listed. Returns: n (0 or 1). $1 user id (uuid). Row lock on the user.
WITH d AS (DELETE FROM auth.users WHERE id = $1::uuid RETURNING 1)
SELECT count(*)::int AS n FROM d
