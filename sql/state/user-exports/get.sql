-- One safety export. Returns: id, request_id, user_id, taken_at, row_count, sha256, rows. $1 id
SELECT id, request_id, user_id, taken_at, row_count, sha256, rows FROM opsbot.user_exports WHERE id = $1
