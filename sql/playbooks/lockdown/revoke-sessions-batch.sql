-- Revokes one batch of sessions; their refresh tokens go with them (ON DELETE CASCADE).
-- Returns: sessions deleted. $1 batch size. Row locks on the batch only.
WITH batch AS (SELECT id FROM auth.sessions LIMIT $1 FOR UPDATE SKIP LOCKED),
d AS (DELETE FROM auth.sessions WHERE id IN (SELECT id FROM batch) RETURNING 1)
SELECT count(*) AS sessions FROM d
