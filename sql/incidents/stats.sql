-- Counts and duration sums of the incidents (with a channel) declared in [since, until], per
-- severity and kind; the service adds them up and divides. Durations in milliseconds.
-- Returns: severity, kind, count, ack_count, ack_ms_sum, resolved_count, resolve_ms_sum.
-- $1 since, $2 until
SELECT severity, kind,
       count(*)::integer AS count,
       count(acknowledged_at)::integer AS ack_count,
       coalesce(sum(extract(epoch FROM acknowledged_at - declared_at) * 1000), 0)::float8 AS ack_ms_sum,
       count(resolved_at)::integer AS resolved_count,
       coalesce(sum(extract(epoch FROM resolved_at - declared_at) * 1000), 0)::float8 AS resolve_ms_sum
FROM opsbot.incidents
WHERE channel_id IS NOT NULL AND declared_at >= $1 AND declared_at <= $2
GROUP BY severity, kind
