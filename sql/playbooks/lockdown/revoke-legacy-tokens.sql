-- Revokes refresh tokens issued before sessions existed (session_id IS NULL), in one batch.
-- Returns: tokens deleted. $1 batch size
WITH batch AS (SELECT id FROM auth.refresh_tokens WHERE session_id IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED),
d AS (DELETE FROM auth.refresh_tokens WHERE id IN (SELECT id FROM batch) RETURNING 1)
SELECT count(*) AS tokens FROM d
