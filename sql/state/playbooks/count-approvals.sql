-- Approvals recorded for a request. Returns: n, approvers. $1 request id
SELECT count(*)::int AS n, COALESCE(array_agg(approver ORDER BY approved_at), '{}') AS approvers
FROM opsbot.playbook_approvals WHERE request_id = $1
