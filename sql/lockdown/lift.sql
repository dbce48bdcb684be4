-- Closes an active lockdown. Returns the row when it was active.
-- $1 id, $2 at, $3 lifted_by, $4 reason, $5 lift_request_id
UPDATE opsbot.lockdowns SET state = 'lifted', lifted_at = $2, lifted_by = $3, lift_reason = $4, lift_request_id = $5
WHERE id = $1 AND state = 'active'
RETURNING *
