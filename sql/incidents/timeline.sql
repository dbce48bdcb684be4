-- The audit rows linked to an incident, oldest first (in the order they were written).
-- Returns: id, at, actor, action, target, channel, outcome, detail. $1 incident id
SELECT a.id, a.at, a.actor, a.action, a.target, a.channel, a.outcome, a.detail
FROM opsbot.incident_timeline t
JOIN opsbot.audit_log a ON a.id = t.audit_id
WHERE t.incident_id = $1
ORDER BY a.id
