-- Recent requests, newest first. $1 limit
SELECT r.*,
  COALESCE((SELECT array_agg(a.approver ORDER BY a.approved_at) FROM opsbot.playbook_approvals a WHERE a.request_id = r.id), '{}') AS approvers
FROM opsbot.playbook_requests r
ORDER BY r.created_at DESC
LIMIT $1
