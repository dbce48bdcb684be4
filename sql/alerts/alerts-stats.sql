-- Alert statistics since a time, for the weekly on-call review.
-- Returns: total, critical, acknowledged, median_tta_ms, unacknowledged_critical. $1 since
SELECT count(*)::int AS total,
       count(*) FILTER (WHERE severity = 'critical')::int AS critical,
       count(acknowledged_at)::int AS acknowledged,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_ack_ms) AS median_tta_ms,
       count(*) FILTER (WHERE severity = 'critical' AND notified_at IS NOT NULL AND acknowledged_at IS NULL)::int AS unacknowledged_critical
FROM opsbot.alerts
WHERE fired_at >= $1
