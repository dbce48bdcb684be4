-- Records one minute's sample; a second sample of the same minute (another replica, a retry) is
-- ignored. Returns nothing (rowCount 1 when stored, 0 when the minute had one).
-- $1 minute (timestamptz, truncated to the minute), $2 connections, $3 max_connections,
-- $4 db_size_bytes (each NULL when not measured), $5 recorded_at
-- Locks: the inserted row.
INSERT INTO opsbot.metric_samples (minute, connections, max_connections, db_size_bytes, recorded_at)
VALUES (date_trunc('minute', $1::timestamptz), $2, $3, $4, $5)
ON CONFLICT (minute) DO NOTHING
