-- After a stakeholder update: when it was posted and when the next one is due (a new due time,
-- so a new lapse can be reminded). Run under incidents/lock. Returns: the row.
-- $1 id, $2 last_update_at, $3 next_update_due_at
UPDATE opsbot.incidents SET last_update_at = $2, next_update_due_at = $3
WHERE id = $1 AND resolved_at IS NULL
RETURNING *
