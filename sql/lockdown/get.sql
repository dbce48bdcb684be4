-- One lockdown. Returns the row. $1 id
SELECT * FROM opsbot.lockdowns WHERE id = $1
