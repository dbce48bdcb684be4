-- Break-glass claim: the requester self-approves with a typed reason (lockdown only). Same
-- atomic move to running as claim.sql. $1 id, $2 now, $3 requester, $4 reason
UPDATE opsbot.playbook_requests
SET state = 'running', started_at = $2, heartbeat_at = $2, decided_by = $3, decided_at = $2, break_glass_reason = $4
WHERE id = $1 AND state = 'pending' AND expires_at > $2
RETURNING *
