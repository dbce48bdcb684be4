-- Stores one delete-user safety export. Returns: id. $1 id, $2 request id, $3 user id, $4 taken_at,
-- $5 row_count, $6 sha256, $7 rows (json text)
INSERT INTO opsbot.user_exports (id, request_id, user_id, taken_at, row_count, sha256, rows)
VALUES ($1, $2, $3::uuid, $4, $5, $6, $7::json)
RETURNING id
