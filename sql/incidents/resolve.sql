-- Resolves an open incident with a channel: only one caller gets the row (the one that then
-- writes the postmortem); a second click or replica gets none. mitigated_at is set too when it
-- never was; no further update is due. Returns: the row, or none.
-- $1 id, $2 at, $3 resolved_by, $4 resolution note
UPDATE opsbot.incidents
SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution = $4,
    mitigated_at = coalesce(mitigated_at, $2), next_update_due_at = NULL
WHERE id = $1 AND resolved_at IS NULL AND channel_id IS NOT NULL
RETURNING *
