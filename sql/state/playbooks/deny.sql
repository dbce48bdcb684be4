-- Denies a pending request. Returns the row when it was pending. $1 id, $2 who, $3 now
UPDATE opsbot.playbook_requests
SET state = 'denied', decided_by = $2, decided_at = $3
WHERE id = $1 AND state = 'pending'
RETURNING *
