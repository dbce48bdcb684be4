-- Samples from $1 on, oldest first, at most $2 rows.
-- Returns: at_ms (epoch ms), connections, max_connections, db_size_bytes (NULL where not measured).
-- $1 first minute (timestamptz), $2 row limit
-- Locks: none.
SELECT (extract(epoch FROM minute) * 1000)::bigint AS at_ms, connections, max_connections, db_size_bytes
FROM opsbot.metric_samples
WHERE minute >= $1
ORDER BY minute
LIMIT $2
