-- Marks a running backup as succeeded with what it holds. Returns: the row.
-- $1 id, $2 finished_at, $3 duration_ms, $4 parts, $5 size_bytes, $6 sha256, $7 server_version,
-- $8 client_version, $9 table_count, $10 row_count, $11 manifest (json)
UPDATE opsbot.backups
SET state = 'succeeded', finished_at = $2, duration_ms = $3, parts = $4, size_bytes = $5, sha256 = $6,
    server_version = $7, client_version = $8, table_count = $9, row_count = $10, manifest = $11::jsonb
WHERE id = $1 AND state = 'running'
RETURNING *
