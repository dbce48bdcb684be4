-- All active integrations are recorded and switched off. $1 id, $2 at
UPDATE opsbot.lockdowns SET integrations_done_at = $2 WHERE id = $1
