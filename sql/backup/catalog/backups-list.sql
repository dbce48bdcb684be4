-- Catalogue, newest first. Returns: rows. $1 limit, $2 include pruned entries (boolean)
SELECT * FROM opsbot.backups
WHERE $2 OR state <> 'pruned'
ORDER BY started_at DESC, id DESC
LIMIT $1
