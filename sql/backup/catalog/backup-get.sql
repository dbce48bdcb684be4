-- One catalogue entry. Returns: the row, or nothing. $1 id
SELECT * FROM opsbot.backups WHERE id = $1
