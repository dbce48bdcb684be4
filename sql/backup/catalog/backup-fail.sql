-- Marks a running backup as failed with the reason (its partial file is already removed).
-- Returns: the row. $1 id, $2 finished_at, $3 duration_ms, $4 error, $5 server_version, $6 client_version
UPDATE opsbot.backups
SET state = 'failed', finished_at = $2, duration_ms = $3, error = $4,
    server_version = coalesce($5, server_version), client_version = coalesce($6, client_version)
WHERE id = $1 AND state = 'running'
RETURNING *
