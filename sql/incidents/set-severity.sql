-- Changes an open incident's severity and its next stakeholder-update due time (computed by the
-- service). Run under incidents/lock. Returns: the row. $1 id, $2 severity, $3 next_update_due_at
UPDATE opsbot.incidents SET severity = $2, next_update_due_at = $3
WHERE id = $1 AND resolved_at IS NULL
RETURNING *
