-- Records one approval; a repeated approval by the same person changes nothing.
-- Returns one row when the approval is new. $1 request id, $2 approver, $3 approved_at
INSERT INTO opsbot.playbook_approvals (request_id, approver, approved_at)
VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING
RETURNING approver
