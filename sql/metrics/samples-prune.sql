-- Deletes samples older than the retention. Returns nothing (rowCount is the number deleted).
-- $1 oldest minute kept (timestamptz)
-- Locks: the deleted rows.
DELETE FROM opsbot.metric_samples WHERE minute < $1
