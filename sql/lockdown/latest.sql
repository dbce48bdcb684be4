-- The newest lockdown (open or lifted). Returns the row.
SELECT * FROM opsbot.lockdowns ORDER BY created_at DESC LIMIT 1
