-- Stores the latest verdict on the backup itself (what /backup list and /health show).
-- Returns: id. $1 id, $2 verdict, $3 verified_at
UPDATE opsbot.backups SET verify_state = $2, verified_at = $3 WHERE id = $1 RETURNING id
