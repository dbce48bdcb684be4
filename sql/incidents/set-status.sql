-- Moves an open incident's status (never to resolved: see resolve.sql); reaching monitoring the
-- first time sets mitigated_at. Run under incidents/lock. Returns: the row.
-- $1 id, $2 status, $3 at
UPDATE opsbot.incidents
SET status = $2,
    mitigated_at = CASE WHEN $2 = 'monitoring' THEN coalesce(mitigated_at, $3) ELSE mitigated_at END
WHERE id = $1 AND resolved_at IS NULL AND $2 <> 'resolved'
RETURNING *
