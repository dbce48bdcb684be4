-- Moves job cursors forward (never back: another replica may be ahead). Returns nothing.
-- $1 job ids (text[]), $2 checked_through per job (timestamptz[]), $3 updated_at
INSERT INTO opsbot.job_cursors AS c (job_id, checked_through, updated_at)
SELECT j, t, $3 FROM unnest($1::text[], $2::timestamptz[]) AS u(j, t)
ON CONFLICT (job_id) DO UPDATE
SET checked_through = GREATEST(c.checked_through, EXCLUDED.checked_through), updated_at = EXCLUDED.updated_at
