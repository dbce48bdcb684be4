-- What was run for an incident, for its postmortem: the linked audit rows of playbooks
-- (requested, approved, finished with approvers and row counts), backups and lockdown steps,
-- oldest first. Returns: id, at, actor, action, target, channel, outcome, detail. $1 incident id
SELECT a.id, a.at, a.actor, a.action, a.target, a.channel, a.outcome, a.detail
FROM opsbot.incident_timeline t
JOIN opsbot.audit_log a ON a.id = t.audit_id
WHERE t.incident_id = $1
  AND (a.action LIKE 'playbook.%' OR a.action LIKE 'backup.%' OR a.action LIKE 'lockdown%')
ORDER BY a.id
