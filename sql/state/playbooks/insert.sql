-- Records a new playbook request. Returns the row.
-- $1 id, $2 playbook_id, $3 params, $4 preview, $5 plan_hash, $6 risk, $7 approvals_required,
-- $8 requested_by, $9 channel, $10 state, $11 created_at, $12 expires_at, $13 break_glass_reason
INSERT INTO opsbot.playbook_requests
  (id, playbook_id, params, preview, plan_hash, risk, approvals_required, requested_by, channel, state, created_at, expires_at, break_glass_reason)
VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING *
