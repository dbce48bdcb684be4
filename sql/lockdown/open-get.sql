-- The open lockdown (starting or active), if any. Returns the row.
SELECT * FROM opsbot.lockdowns WHERE state IN ('starting', 'active')
