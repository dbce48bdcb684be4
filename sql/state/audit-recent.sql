-- The newest audit rows. Returns: id, at, actor, action, target, channel, outcome, detail.
-- $1 limit, $2 action prefix filter (e.g. 'playbook.' or '' for all)
SELECT id, at, actor, action, target, channel, outcome, detail
FROM opsbot.audit_log
WHERE action LIKE $2 || '%'
ORDER BY id DESC
LIMIT $1
