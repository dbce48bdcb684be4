-- The lockdown is in force. Returns the row. $1 id, $2 at, $3 checklist id (or null)
UPDATE opsbot.lockdowns SET state = 'active', active_since = COALESCE(active_since, $2), checklist_id = COALESCE(checklist_id, $3)
WHERE id = $1 AND state IN ('starting', 'active')
RETURNING *
