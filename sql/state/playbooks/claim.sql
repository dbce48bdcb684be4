-- The atomic claim: moves a pending, unexpired request to running. Exactly one caller gets the
-- row back, however many clicks, retries or replicas race for it.
-- $1 id, $2 now, $3 decided_by (last approver)
UPDATE opsbot.playbook_requests
SET state = 'running', started_at = $2, heartbeat_at = $2, decided_by = $3, decided_at = $2
WHERE id = $1 AND state = 'pending' AND expires_at > $2
RETURNING *
