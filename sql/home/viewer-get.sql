-- One viewer's row (tests and diagnostics). Returns: the row. $1 user id
SELECT * FROM opsbot.home_viewers WHERE user_id = $1
