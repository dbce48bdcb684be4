-- A running request is still alive. $1 id, $2 now
UPDATE opsbot.playbook_requests SET heartbeat_at = $2 WHERE id = $1 AND state = 'running'
