-- One incident (reserved ones too). Returns: the row, or none. $1 id
SELECT * FROM opsbot.incidents WHERE id = $1
