-- Alerts still firing (not recovered). Returns: every column of opsbot.alerts.
SELECT * FROM opsbot.alerts WHERE recovered_at IS NULL ORDER BY id
