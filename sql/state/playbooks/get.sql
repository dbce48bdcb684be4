-- One request with its approvers. Returns the row plus approvers (text[] in approval order).
-- $1 id
SELECT r.*,
  COALESCE((SELECT array_agg(a.approver ORDER BY a.approved_at) FROM opsbot.playbook_approvals a WHERE a.request_id = r.id), '{}') AS approvers
FROM opsbot.playbook_requests r
WHERE r.id = $1
