-- One alert. Returns: every column of opsbot.alerts. $1 id
SELECT * FROM opsbot.alerts WHERE id = $1
