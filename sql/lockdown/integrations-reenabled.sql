-- Marks the lockdown's integrations as re-enabled. $1 lockdown id, $2 ids (uuid[]), $3 at
UPDATE opsbot.lockdown_integrations SET reenabled_at = $3
WHERE lockdown_id = $1 AND integration_id = ANY ($2::uuid[]) AND reenabled_at IS NULL
