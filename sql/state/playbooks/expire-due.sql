-- Expires pending requests whose time is up. Returns the expired rows. $1 now
UPDATE opsbot.playbook_requests
SET state = 'expired', decided_at = $1
WHERE state = 'pending' AND expires_at <= $1
RETURNING *
